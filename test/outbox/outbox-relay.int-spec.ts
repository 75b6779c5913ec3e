import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { EventBroker } from '@converge/kafka';
import { DEFAULT_OUTBOX_LOCK_KEY, OutboxRelay, OutboxRelayOptions } from '@converge/outbox';
import { eventually } from '../support/eventually';
import { uniqueName } from '../support/test-env';
import {
  Cleanup,
  firstSeenOrderByKey,
  outboxDatabase,
  outboxRows,
  outboxTopic,
  OutboxWriter,
  realBroker,
  relayOptions,
  testMessage,
  TopicReader,
  unreachableBroker,
} from './outbox-relay.kit';

const KEYS = ['cart-a', 'cart-b', 'cart-c', 'cart-d'];

/** Events seq from..to-1, one committed transaction each, every relay woken after each commit. */
async function writeEvents(
  writer: OutboxWriter,
  topic: string,
  relays: OutboxRelay[],
  from: number,
  to: number,
): Promise<void> {
  for (let seq = from; seq < to; seq++) {
    await writer.append([testMessage(topic, { key: KEYS[seq % KEYS.length], seq })]);
    for (const relay of relays) relay.wake();
  }
}

/** Each key's events in ascending seq: what per-key order means for events seq 0..count-1. */
function expectedOrder(count: number): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (let seq = 0; seq < count; seq++) {
    const key = KEYS[seq % KEYS.length];
    byKey.set(key, [...(byKey.get(key) ?? []), seq]);
  }
  return byKey;
}

describe('OutboxRelay against real PostgreSQL and Kafka', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function startRelay(broker: EventBroker, options: OutboxRelayOptions, name = 'OutboxRelay') {
    const relay = cleanup.add(new OutboxRelay(broker, options, new Logger(name)), (r) => r.stop());
    await relay.start();
    return relay;
  }

  async function leaderOf(relays: OutboxRelay[]): Promise<OutboxRelay> {
    return eventually(async () => {
      const leaders = relays.filter((relay) => relay.isLeader);
      if (leaders.length !== 1) throw new Error(`${leaders.length} leaders`);
      return leaders[0];
    }, 10_000);
  }

  /** Samples the relays' view of leadership throughout the test: the most leaders seen at once. */
  function watchLeaders(relays: OutboxRelay[]): { mostAtOnce: () => number } {
    let most = 0;
    const timer = cleanup.add(
      setInterval(() => (most = Math.max(most, relays.filter((relay) => relay.isLeader).length)), 2),
      async (t) => clearInterval(t),
    );
    timer.unref();
    return { mostAtOnce: () => most };
  }

  it('bounds a pass by payload bytes, and goes on at once with the rows the bound left', async () => {
    const database = await outboxDatabase(cleanup);
    const broker = realBroker(cleanup, 'outbox-bytes');
    const topic = await outboxTopic(broker);
    const reader = await TopicReader.start(cleanup, broker, topic);
    const writer = await OutboxWriter.connect(cleanup, database.url);
    // About 330 bytes a payload: three fit under 1,000 bytes, so a pass takes three of the twelve rows.
    const relay = await startRelay(broker, relayOptions(database.url, { batchSize: 50, batchBytes: 1000 }));
    const passes: number[] = [];
    relay.onPublished((rows) => passes.push(rows));
    await leaderOf([relay]);

    const events = Array.from({ length: 12 }, (_, seq) => ({
      key: KEYS[seq % KEYS.length],
      seq,
      pad: 'x'.repeat(300),
    }));
    const committed = await writer.append(events.map((event) => ({ ...testMessage(topic, event), payload: event })));
    relay.wake();
    await reader.until((all) => all.length >= 12, 'all 12 events');

    expect(firstSeenOrderByKey(reader.received)).toEqual(expectedOrder(12));
    // One wake-up and a fallback poll of a minute: a pass cut short by the bound was not taken for the last.
    expect(Math.max(...reader.received.map((event) => event.receivedAt)) - committed).toBeLessThan(5000);
    // Each pass is reported once marked, which may follow the last arrival.
    await eventually(async () => expect(passes.reduce((sum, rows) => sum + rows, 0)).toBe(12));
    expect(Math.max(...passes)).toBe(3);
  });

  it('publishes committed rows in id order per key, marks them, and wake() makes it prompt', async () => {
    const database = await outboxDatabase(cleanup);
    const broker = realBroker(cleanup, 'outbox-order');
    const topic = await outboxTopic(broker);
    const reader = await TopicReader.start(cleanup, broker, topic);
    const writer = await OutboxWriter.connect(cleanup, database.url);
    const relay = await startRelay(broker, relayOptions(database.url, { batchSize: 7 }));
    let reported = 0;
    relay.onPublished((rows) => (reported += rows));
    await leaderOf([relay]);

    // Transactions of one to three events, spread over keys, so batches and transactions do not line up.
    let seq = 0;
    let lastCommit = 0;
    for (let size = 1; seq < 40; size = (size % 3) + 1) {
      const events = Array.from({ length: Math.min(size, 40 - seq) }, () => seq++);
      lastCommit = await writer.append(events.map((s) => testMessage(topic, { key: KEYS[s % KEYS.length], seq: s })));
      relay.wake();
    }
    await reader.until((all) => all.length >= 40, 'all 40 events');
    const lastArrival = Math.max(...reader.received.map((event) => event.receivedAt));

    expect(firstSeenOrderByKey(reader.received)).toEqual(expectedOrder(40));
    expect(reader.received).toHaveLength(40);
    // The fallback poll is a minute: only the wake-up explains a prompt delivery.
    expect(lastArrival - lastCommit).toBeLessThan(5000);
    const rows = await eventually(async () => {
      const current = await outboxRows(writer);
      expect(current.every((row) => row.published)).toBe(true);
      return current;
    });
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(rows.every((row) => row.attempts === 0 && row.last_error === null)).toBe(true);
    expect(reported).toBe(40);
    expect(await relay.backlog()).toBe(0);
  });

  it('publishes a row whose transaction commits after a row with a higher id was published', async () => {
    const database = await outboxDatabase(cleanup);
    const broker = realBroker(cleanup, 'outbox-slow-tx');
    const topic = await outboxTopic(broker);
    const reader = await TopicReader.start(cleanup, broker, topic);
    const slowWriter = await OutboxWriter.connect(cleanup, database.url);
    const fastWriter = await OutboxWriter.connect(cleanup, database.url);
    const relay = await startRelay(broker, relayOptions(database.url));
    await leaderOf([relay]);

    const slow = await slowWriter.appendUncommitted([testMessage(topic, { key: 'cart-slow', seq: 1 })]);
    await fastWriter.append([testMessage(topic, { key: 'cart-fast', seq: 2 })]);
    relay.wake();
    await reader.untilSeq('cart-fast', 2);
    await eventually(async () =>
      expect(await outboxRows(fastWriter)).toEqual([expect.objectContaining({ seq: 2, published: true })]),
    );

    await slow.commit();
    relay.wake();
    await reader.untilSeq('cart-slow', 1);

    const rows = await eventually(async () => {
      const current = await outboxRows(fastWriter);
      expect(current.every((row) => row.published)).toBe(true);
      return current;
    });
    // The late row has the lower id: a relay reading `id > last seen` would have skipped it forever.
    expect(rows.map((row) => row.seq)).toEqual([1, 2]);
  });

  describe('two relays on one database', () => {
    async function twoRelays(prefix: string) {
      const database = await outboxDatabase(cleanup);
      const readerBroker = realBroker(cleanup, `${prefix}-reader`);
      const topic = await outboxTopic(readerBroker);
      const reader = await TopicReader.start(cleanup, readerBroker, topic);
      const writer = await OutboxWriter.connect(cleanup, database.url);
      // Each relay has a producer of its own, as two service instances would.
      const relays = [
        await startRelay(realBroker(cleanup, `${prefix}-1`), relayOptions(database.url), 'OutboxRelay#1'),
        await startRelay(realBroker(cleanup, `${prefix}-2`), relayOptions(database.url), 'OutboxRelay#2'),
      ];
      return { database, topic, reader, writer, relays, leaders: watchLeaders(relays) };
    }

    it('only one leads; when it stops, the standby takes over and every row is published in order', async () => {
      const { topic, reader, writer, relays, leaders } = await twoRelays('outbox-failover');
      const leader = await leaderOf(relays);
      const standby = relays.find((relay) => relay !== leader) as OutboxRelay;
      expect(standby.isLeader).toBe(false);

      await writeEvents(writer, topic, relays, 0, 40);
      await reader.until((all) => all.length >= 20, 'the first 20 events');
      const stoppedAt = performance.now();
      // Writers keep committing while the leader stops mid-stream.
      await Promise.all([writeEvents(writer, topic, relays, 40, 80), leader.stop()]);
      await eventually(async () => expect(standby.isLeader).toBe(true), 5000);
      const takeoverMs = performance.now() - stoppedAt;

      await reader.until((all) => new Set(all.map((e) => e.seq)).size >= 80, 'all 80 events');
      expect(firstSeenOrderByKey(reader.received)).toEqual(expectedOrder(80));
      await eventually(async () => expect((await outboxRows(writer)).every((row) => row.published)).toBe(true));
      expect(leaders.mostAtOnce()).toBe(1);
      expect(takeoverMs).toBeLessThan(5000);
    });

    it("when the leader's lock connection is killed, it stops publishing and the standby takes over", async () => {
      const { topic, reader, writer, relays, leaders } = await twoRelays('outbox-terminate');
      const leader = await leaderOf(relays);
      const standby = relays.find((relay) => relay !== leader) as OutboxRelay;
      await writeEvents(writer, topic, relays, 0, 30);
      await reader.until((all) => all.length >= 10, 'the first 10 events');

      const [{ pid }] = await writer.query<{ pid: number }>(
        `SELECT pid FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [DEFAULT_OUTBOX_LOCK_KEY],
      );
      const killedAt = performance.now();
      await Promise.all([
        writer.query('SELECT pg_terminate_backend($1)', [pid]),
        writeEvents(writer, topic, relays, 30, 60),
      ]);
      await eventually(async () => {
        expect(standby.isLeader).toBe(true);
        expect(leader.isLeader).toBe(false);
      }, 5000);
      const takeoverMs = performance.now() - killedAt;

      await reader.until((all) => new Set(all.map((e) => e.seq)).size >= 60, 'all 60 events');
      expect(firstSeenOrderByKey(reader.received)).toEqual(expectedOrder(60));
      await eventually(async () => expect((await outboxRows(writer)).every((row) => row.published)).toBe(true));
      expect(takeoverMs).toBeLessThan(5000);

      // The deposed leader reconnected as a standby: it leads again once the other one stops.
      await standby.stop();
      await eventually(async () => expect(leader.isLeader).toBe(true), 5000);
      await writeEvents(writer, topic, [leader], 60, 64);
      await reader.until((all) => new Set(all.map((e) => e.seq)).size >= 64, 'events after the second failover');
      expect(firstSeenOrderByKey(reader.received)).toEqual(expectedOrder(64));
      expect(leaders.mostAtOnce()).toBe(1);
    });
  });

  it('leaves rows unpublished, counting attempts and recording the error, while the broker is unreachable', async () => {
    const database = await outboxDatabase(cleanup);
    const writer = await OutboxWriter.connect(cleanup, database.url);
    const relay = await startRelay(unreachableBroker(cleanup), relayOptions(database.url));
    await leaderOf([relay]);
    const topic = uniqueName('outbox-outage');
    await writer.append([0, 1, 2].map((seq) => testMessage(topic, { key: 'cart-a', seq })));
    relay.wake();

    // The Kafka client gives up on a dead broker only after its own retries (about 16 s).
    const rows = await eventually(
      async () => {
        const current = await outboxRows(writer);
        expect(current.every((row) => row.attempts > 0 && row.last_error !== null)).toBe(true);
        return current;
      },
      45_000,
      200,
    );
    expect(rows.some((row) => row.published)).toBe(false);
    expect(rows[0].last_error).toMatch(/ECONNREFUSED|Connection error/);
    expect(rows[0].last_error).not.toContain(database.url);
    expect(await relay.backlog()).toBe(3);

    // Nothing was dropped: once a broker answers, every row goes out.
    await relay.stop();
    const broker = realBroker(cleanup, 'outbox-recovered');
    await broker.ensureTopics([{ name: topic, partitions: 3 }]);
    const recovered = await startRelay(broker, relayOptions(database.url));
    recovered.wake();
    await eventually(async () => expect((await outboxRows(writer)).every((row) => row.published)).toBe(true));
  }, 120_000);

  it('deletes published rows past retention, never recent or unpublished ones', async () => {
    const database = await outboxDatabase(cleanup);
    const writer = await OutboxWriter.connect(cleanup, database.url);
    await writer.append([1, 2, 3, 4, 5].map((seq) => testMessage('outbox-retention', { key: 'cart-a', seq })));
    await writer.query(`
      UPDATE outbox SET
        published_at = CASE (payload->>'seq')::int
          WHEN 1 THEN now() - interval '2 hours'
          WHEN 2 THEN now() - interval '2 hours'
          WHEN 3 THEN now() - interval '1 minute'
        END,
        created_at = now() - interval '3 hours'`);

    // An unreachable broker keeps rows 4 and 5 unpublished for as long as the test looks.
    const relay = await startRelay(unreachableBroker(cleanup), relayOptions(database.url, { retentionMs: 3_600_000 }));
    await eventually(async () => expect((await outboxRows(writer)).map((row) => row.seq)).not.toContain(1));

    const rows = await outboxRows(writer);
    expect(rows.map((row) => [row.seq, row.published])).toEqual([
      [3, true],
      [4, false],
      [5, false],
    ]);
    expect(relay.isLeader).toBe(true);
  });

  describe('wake-up modes', () => {
    it('notify: a row committed with NOTIFY on another connection is published at once, without wake()', async () => {
      const database = await outboxDatabase(cleanup);
      const broker = realBroker(cleanup, 'outbox-notify');
      const topic = await outboxTopic(broker);
      const reader = await TopicReader.start(cleanup, broker, topic);
      const writer = await OutboxWriter.connect(cleanup, database.url);
      await writer.append([testMessage(topic, { key: 'cart-a', seq: 0 })]);
      const relay = await startRelay(broker, relayOptions(database.url, { mode: 'notify', pollIntervalMs: 60_000 }));
      // Received means the relay's first pass read the outbox already; later rows need a wake-up.
      await reader.untilSeq('cart-a', 0);

      const otherProcess = await OutboxWriter.connect(cleanup, database.url);
      const committedAt = await otherProcess.append([testMessage(topic, { key: 'cart-a', seq: 1 })], true);
      await reader.untilSeq('cart-a', 1, 10_000);

      const arrival = reader.received.find((event) => event.seq === 1)?.receivedAt ?? Infinity;
      expect(arrival - committedAt).toBeLessThan(5000);
      expect(relay.isLeader).toBe(true);
    });

    it('off: competes for nothing and publishes nothing, so another publisher has the table to itself', async () => {
      const database = await outboxDatabase(cleanup);
      const broker = realBroker(cleanup, 'outbox-off');
      const topic = await outboxTopic(broker);
      const reader = await TopicReader.start(cleanup, broker, topic);
      const writer = await OutboxWriter.connect(cleanup, database.url);
      const off = await startRelay(broker, relayOptions(database.url, { mode: 'off', pollIntervalMs: 50 }));
      await writer.append([testMessage(topic, { key: 'cart-a', seq: 0 })], true);
      off.wake();
      expect(await off.backlog()).toBe(1);

      // Started second, it leads at once: the relay that is off never took the lock.
      const publisher = await startRelay(broker, relayOptions(database.url, { mode: 'notify' }));
      await eventually(async () => expect(publisher.isLeader).toBe(true));
      await reader.untilSeq('cart-a', 0);
      expect(off.isLeader).toBe(false);
      expect(reader.received.filter((event) => event.seq === 0)).toHaveLength(1);
    });

    it('poll: publishes only on its interval, ignoring wake() and NOTIFY', async () => {
      const database = await outboxDatabase(cleanup);
      const broker = realBroker(cleanup, 'outbox-poll');
      const topic = await outboxTopic(broker);
      const reader = await TopicReader.start(cleanup, broker, topic);
      const writer = await OutboxWriter.connect(cleanup, database.url);
      const pollIntervalMs = 1500;
      await writer.append([testMessage(topic, { key: 'cart-a', seq: 0 })]);
      const relay = await startRelay(broker, relayOptions(database.url, { mode: 'poll', pollIntervalMs }));
      await eventually(async () => expect((await outboxRows(writer))[0].published).toBe(true));

      // Committed just after a pass, with every nudge there is: it still waits for the next tick.
      const committedAt = await writer.append([testMessage(topic, { key: 'cart-a', seq: 1 })], true);
      relay.wake();
      await reader.untilSeq('cart-a', 1, 10_000);
      // The relay marks a row only after the broker's ack, so the consumer can see it first.
      await eventually(async () => expect((await outboxRows(writer)).every((row) => row.published)).toBe(true));

      const [{ gap_ms: gapMs }] = await writer.query<{ gap_ms: number }>(
        `SELECT extract(epoch FROM max(published_at) - min(published_at)) * 1000 AS gap_ms FROM outbox`,
      );
      expect(Number(gapMs)).toBeGreaterThanOrEqual(pollIntervalMs - 100);
      const arrival = reader.received.find((event) => event.seq === 1)?.receivedAt ?? 0;
      expect(arrival - committedAt).toBeGreaterThan(pollIntervalMs / 2);
    });
  });
});
