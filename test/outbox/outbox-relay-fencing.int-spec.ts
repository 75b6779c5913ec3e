import { Logger } from '@nestjs/common';
import { type EventBroker, type EventPublisher, KafkajsEventBroker } from '@converge/kafka';
import { OutboxRelay } from '@converge/outbox';
import { SilentProxy } from '../faults/support/silent-proxy';
import { eventually } from '../support/eventually';
import { testPostgresUrl } from '../support/test-env';
import {
  Cleanup,
  outboxDatabase,
  outboxTopic,
  OutboxWriter,
  realBroker,
  type ReceivedEvent,
  relayOptions,
  testMessage,
  TopicReader,
} from './outbox-relay.kit';

const KEYS = ['cart-a', 'cart-b', 'cart-c', 'cart-d'];

/**
 * The real broker, whose sends can be held back before they leave this process, as a slow link
 * to Kafka holds them: what the relay sent before losing its lease is still on its way after.
 */
class HeldSends {
  held = 0;
  readonly outcomes: Array<Promise<'acknowledged' | 'refused'>> = [];
  private gate?: { opened: Promise<void>; open: () => void };

  constructor(private readonly real: KafkajsEventBroker) {}

  hold(): void {
    let open = () => undefined as void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.gate = { opened, open };
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  /** The broker as the relay sees it: the real one, with every publish going through the gate. */
  broker(): EventBroker {
    const real = this.real;
    return Object.assign(Object.create(real) as KafkajsEventBroker, {
      publish: this.delayed((topic: string, messages) => real.publish(topic, messages)),
      openPublisher: (): EventPublisher => {
        const publisher = real.openPublisher();
        return { ...publisher, publish: this.delayed(publisher.publish) };
      },
    });
  }

  private delayed(send: EventPublisher['publish']): EventPublisher['publish'] {
    return async (topic, messages) => {
      const gate = this.gate;
      if (!gate) return send(topic, messages);
      this.held++;
      await gate.opened;
      const sent = send(topic, messages);
      this.outcomes.push(sent.then(() => 'acknowledged' as const).catch(() => 'refused' as const));
      return sent;
    };
  }
}

/** Per partition, in offset order: a message of an older term after the first of a newer one. */
function staleAfterNewer(received: ReceivedEvent[]): ReceivedEvent[] {
  const newest = new Map<number, bigint>();
  const stale: ReceivedEvent[] = [];
  const byOffset = [...received].sort(
    (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
  );
  for (const event of byOffset) {
    const epoch = BigInt(event.epoch ?? '0');
    const seen = newest.get(event.partition) ?? 0n;
    if (epoch < seen) stale.push(event);
    else newest.set(event.partition, epoch);
  }
  return stale;
}

describe('OutboxRelay fencing: a leader that lost its lease sends nothing more', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('after a lost lease, no message of the old term lands after the first of the new one', async () => {
    const database = await outboxDatabase(cleanup);
    const readerBroker = realBroker(cleanup, 'fencing-reader');
    const topic = await outboxTopic(readerBroker);
    const reader = await TopicReader.start(cleanup, readerBroker, topic);
    const writer = await OutboxWriter.connect(cleanup, database.url);
    const proxy = cleanup.add(await SilentProxy.start(testPostgresUrl()), (p) => p.close());
    const sends = new HeldSends(realBroker(cleanup, 'fencing-old'));
    const start = async (broker: EventBroker, databaseUrl: string, name: string) => {
      const relay = cleanup.add(new OutboxRelay(broker, relayOptions(databaseUrl), new Logger(name)), (r) => r.stop());
      await relay.start();
      return relay;
    };
    const append = async (from: number, to: number, relays: OutboxRelay[]) => {
      for (let seq = from; seq < to; seq++) {
        await writer.append([testMessage(topic, { key: KEYS[seq % KEYS.length], seq })]);
        for (const relay of relays) relay.wake();
      }
    };

    // The old leader reaches the database through the proxy; it starts first, so it leads.
    const old = await start(sends.broker(), proxy.url(database.url), 'OutboxRelay#old');
    await eventually(async () => expect(old.isLeader).toBe(true), 10_000);
    const successor = await start(realBroker(cleanup, 'fencing-new'), database.url, 'OutboxRelay#new');
    await append(0, 20, [old, successor]);
    await reader.until((all) => new Set(all.map((e) => e.seq)).size >= 20, 'the old term publishing');

    // Its next send is held on its way, then its link to the database goes silent.
    sends.hold();
    await append(20, 40, [old, successor]);
    await eventually(async () => expect(sends.held).toBeGreaterThan(0), 10_000);
    proxy.silenceNewLinks(true);
    proxy.silence();

    await eventually(async () => {
      expect(successor.isLeader).toBe(true);
      expect(old.isLeader).toBe(false);
    }, 20_000);
    await reader.until((all) => new Set(all.map((e) => e.seq)).size >= 40, 'the new term publishing the rest');
    // Now what the old leader had on its way arrives.
    sends.release();
    const outcomes = await Promise.all(sends.outcomes);
    await append(40, 44, [successor]);
    await reader.until((all) => new Set(all.map((e) => e.seq)).size >= 44, 'the last events');

    const epochs = [...new Set(reader.received.map((event) => event.epoch))];
    expect(reader.received.filter((event) => event.epoch === undefined)).toEqual([]);
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(staleAfterNewer(reader.received)).toEqual([]);
    expect(outcomes).toEqual(outcomes.map(() => 'refused'));
  }, 90_000);
});
