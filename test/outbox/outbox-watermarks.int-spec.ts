import { Logger } from '@nestjs/common';
import type { EventBroker } from '@converge/kafka';
import { OutboxRelay, type OutboxRelayOptions } from '@converge/outbox';
import {
  Cleanup,
  outboxDatabase,
  outboxTopic,
  OutboxWriter,
  type PartitionEntry,
  realBroker,
  relayOptions,
  testMessage,
  type TestEvent,
  TopicReader,
} from './outbox-relay.kit';

/** A row, its partition, and an instant (database clock, ms) its transaction had certainly committed by. */
interface Committed extends TestEvent {
  partition: number;
  committedByMs: number;
}

/** Holds the relay's event publishes (not its watermarks) while closed; resolves `waiting` once one is held. */
function publishGate(broker: EventBroker) {
  let open: Promise<void> = Promise.resolve();
  let release = () => undefined as void;
  let held = () => undefined as void;
  let waiting: Promise<void> = Promise.resolve();
  const gate =
    (publish: EventBroker['publish']) =>
    async (...args: Parameters<EventBroker['publish']>) => {
      held();
      await open;
      return publish(...args);
    };
  // The relay publishes through a publisher of its own for each term of leadership.
  const gated = new Proxy(broker, {
    get(target, name, receiver) {
      if (name === 'publish') return gate((...args) => target.publish(...args));
      if (name !== 'openPublisher') return Reflect.get(target, name, receiver) as unknown;
      return () => {
        const publisher = target.openPublisher();
        return { ...publisher, publish: gate(publisher.publish) };
      };
    },
  });
  return {
    broker: gated,
    close(): void {
      open = new Promise((resolve) => (release = resolve));
      waiting = new Promise((resolve) => (held = resolve));
    },
    get waiting() {
      return waiting;
    },
    open: () => release(),
  };
}

/** Ceiling: an instant no earlier than the commit that returned before it was read. */
async function databaseNowCeil(writer: OutboxWriter): Promise<number> {
  const [row] = await writer.query<{ ms: string }>('SELECT ceil(extract(epoch FROM clock_timestamp()) * 1000) AS ms');
  return Number(row.ms);
}

/** Every watermark on the partition preceded by each of its rows certainly committed before it: the claim. */
function falseWatermarks(log: PartitionEntry[], committed: Committed[]): string[] {
  const seen = new Set<string>();
  const broken: string[] = [];
  for (const entry of log) {
    if ('event' in entry) {
      seen.add(`${entry.event.key}#${entry.event.seq}`);
      continue;
    }
    for (const row of committed) {
      if (row.committedByMs <= entry.watermarkMs && !seen.has(`${row.key}#${row.seq}`)) {
        broken.push(`watermark ${entry.watermarkMs} before ${row.key}#${row.seq}, committed by ${row.committedByMs}`);
      }
    }
  }
  return broken;
}

describe('OutboxRelay watermarks', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  async function startRelay(broker: EventBroker, options: OutboxRelayOptions): Promise<OutboxRelay> {
    const relay = cleanup.add(new OutboxRelay(broker, options, new Logger('OutboxRelay')), (r) => r.stop());
    await relay.start();
    return relay;
  }

  it('never claims a slow transaction that committed after the scan, even when it commits before the watermark goes out', async () => {
    const database = await outboxDatabase(cleanup);
    const broker = realBroker(cleanup, 'outbox-watermarks');
    const topic = await outboxTopic(broker);
    const reader = await TopicReader.start(cleanup, broker, topic);
    const slowWriter = await OutboxWriter.connect(cleanup, database.url);
    const fastWriter = await OutboxWriter.connect(cleanup, database.url);
    const gate = publishGate(broker);
    const relay = await startRelay(
      gate.broker,
      relayOptions(database.url, { watermarks: { topics: [topic], busyEveryMs: 0, idleEveryMs: 50 } }),
    );
    const slowPartition = await broker.partitionOf(topic, 'cart-slow');
    const watermarksOn = (partition: number) =>
      (reader.partitions.get(partition) ?? []).flatMap((entry) => ('watermarkMs' in entry ? [entry.watermarkMs] : []));
    // Idle, with nothing written: watermarks still come, on every partition.
    await reader.until(() => [0, 1, 2].every((p) => watermarksOn(p).length >= 2), 'idle watermarks on every partition');

    const slow = await slowWriter.appendUncommitted([testMessage(topic, { key: 'cart-slow', seq: 1 })]);
    gate.close();
    await fastWriter.append([testMessage(topic, { key: 'cart-fast', seq: 2 })]);
    const fastCommittedBy = await databaseNowCeil(fastWriter);
    relay.wake();
    // The relay has scanned (the slow row invisible) and is publishing the fast one: commit the slow one now.
    await gate.waiting;
    await slow.commit();
    const slowCommittedBy = await databaseNowCeil(slowWriter);
    gate.open();

    await reader.untilSeq('cart-slow', 1);
    await reader.until(
      () => watermarksOn(slowPartition).some((at) => at >= slowCommittedBy),
      'a watermark that covers the slow row',
    );
    const committed: Committed[] = [
      {
        key: 'cart-fast',
        seq: 2,
        partition: await broker.partitionOf(topic, 'cart-fast'),
        committedByMs: fastCommittedBy,
      },
      { key: 'cart-slow', seq: 1, partition: slowPartition, committedByMs: slowCommittedBy },
    ];
    for (const [partition, log] of reader.partitions) {
      const rows = committed.filter((row) => row.partition === partition);
      expect({ partition, broken: falseWatermarks(log, rows) }).toEqual({ partition, broken: [] });
    }
    // The scan that published the fast row did go out with a watermark, only an honest one.
    expect(reader.received.map((event) => event.seq)).toEqual([2, 1]);
  });
});
