import { Client } from 'pg';
import { KafkajsEventBroker } from '@converge/kafka';
import { asMessage, CartEventStream } from '../../test/support/cart-event-stream';
import { eventually } from '../../test/support/eventually';
import { testKafkaBrokers } from '../../test/support/test-env';
import { BenchStack } from './bench-stack';
import { modeSpec, type Mode } from './modes';
import { count } from './propagation';

export interface CatchUpResult {
  mode: Mode;
  /** consumer: Cart-Query drains a topic filled while it was away. pipeline: the publisher and Cart-Query drain an outbox filled while the publisher was away. */
  kind: 'consumer' | 'pipeline';
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Pipeline, relay modes: rows the relay published per second, first mark to last (its own rate, apart from the consumer's). */
  publishedPerSecond?: number;
}

const EVENTS_PER_CART = 50;

/** BENCH_NODE_ARGS (e.g. --cpu-prof) reach the publishing Cart's node, as they reach a step's services. */
const profiling = (): Record<string, string> =>
  process.env.BENCH_NODE_ARGS ? { NODE_ARGS: process.env.BENCH_NODE_ARGS } : {};

/** Whole carts' histories: a created event then added items, in version order. */
function histories(events: number) {
  const carts = Array.from({ length: Math.ceil(events / EVENTS_PER_CART) }, () => new CartEventStream());
  return carts.flatMap((cart) => [
    cart.created(),
    ...Array.from({ length: EVENTS_PER_CART - 1 }, (_, i) => cart.added(`SKU-${i % 10}`, 1)),
  ]);
}

async function allApplied(bench: BenchStack, events: number): Promise<number> {
  const url = bench.stack.queryDb.url;
  await eventually(
    async () => {
      const applied = await count(url, 'SELECT count(*) AS n FROM processed_events');
      if (applied < events) throw new Error(`${applied} of ${events}`);
    },
    900_000,
    100,
  );
  // From the first event applied to the last: the drain itself, not a process's start-up.
  const ms = await count(
    url,
    'SELECT extract(epoch FROM max(processed_at) - min(processed_at)) * 1000 AS n FROM processed_events',
  );
  return ms / 1000;
}

const result = (mode: Mode, kind: CatchUpResult['kind'], events: number, seconds: number): CatchUpResult => ({
  mode,
  kind,
  events,
  seconds: Number(seconds.toFixed(2)),
  eventsPerSecond: Math.round(events / seconds),
});

/**
 * Cart-Query starts against a topic that already holds `events` events (as if it had been down
 * while writes went on) and drains them. The publisher plays no part: Debezium's modes share converge's consumer.
 */
export async function runConsumerCatchUp(mode: Mode, events: number): Promise<CatchUpResult> {
  const bench = await BenchStack.start(mode, { queries: 0, carts: 0 });
  const producer = new KafkajsEventBroker({
    clientId: 'bench-backlog',
    brokers: testKafkaBrokers().split(','),
    logLevel: 'error',
  });
  try {
    const all = histories(events);
    for (let i = 0; i < all.length; i += 5000)
      await producer.publish(bench.stack.topic, all.slice(i, i + 5000).map(asMessage));
    await bench.stack.startQuery();
    return result(mode, 'consumer', all.length, await allApplied(bench, all.length));
  } finally {
    await producer.disconnect();
    await bench.stop();
  }
}

async function fillOutbox(databaseUrl: string, topic: string, events: number): Promise<number> {
  const all = histories(events);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let i = 0; i < all.length; i += 5000) {
      const chunk = all.slice(i, i + 5000);
      await db.query(
        `INSERT INTO outbox (topic, message_key, payload)
         SELECT $1, key, payload FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS m (key, payload, n) ORDER BY n`,
        [topic, chunk.map((event) => event.cartId), chunk.map((event) => JSON.stringify(event))],
      );
    }
    return all.length;
  } finally {
    await db.end();
  }
}

/**
 * The outbox holds `events` rows its publisher has not seen (Cart's relay was off; Debezium's
 * connector was paused, its slot keeping the WAL); the publisher comes back, and the time from
 * the first event applied to the last says how fast the whole path drains.
 */
export async function runPipelineCatchUp(mode: Mode, events: number): Promise<CatchUpResult> {
  const relayMode = modeSpec(mode).env.OUTBOX_RELAY_MODE ?? 'notify';
  // The first Cart only creates the schema; in a relay mode a second one, started once the rows
  // are in, is the publisher coming back.
  const bench = await BenchStack.start(mode, { env: { OUTBOX_RELAY_MODE: 'off' } });
  try {
    await bench.debezium?.pause();
    const written = await fillOutbox(bench.stack.cartDb.url, bench.stack.topic, events);
    if (bench.debezium) await bench.debezium.resume();
    else await bench.stack.startCart(undefined, { OUTBOX_RELAY_MODE: relayMode, ...profiling() });
    const drained = result(mode, 'pipeline', written, await allApplied(bench, written));
    if (bench.debezium) return drained;
    const publishMs = await count(
      bench.stack.cartDb.url,
      'SELECT extract(epoch FROM max(published_at) - min(published_at)) * 1000 AS n FROM outbox',
    );
    return { ...drained, publishedPerSecond: Math.round(written / (publishMs / 1000)) };
  } finally {
    await bench.stop();
  }
}
