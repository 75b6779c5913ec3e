import { CartClient, type CartAnswer } from '../../test/support/cart-client';
import { distribution, type Distribution, percentile, round } from './stats';
import { BenchStack } from './bench-stack';
import { runWriteLoad, type WriteLoadResult } from './write-load';

/** The background load the levels are read under: the figure the README's table quotes. */
export const LEVELS_WRITE_RATE = 200;
const LOAD_CARTS = 200;
/** Clients that each write their own cart and read it straight back at one level, in turn. */
const SAMPLERS = 4;

interface Level {
  name: string;
  read(clients: { cart: CartClient; query: CartClient }, cartId: string, written: CartAnswer): Promise<CartAnswer>;
}

/** From the cheapest promise to the dearest; every read is of the cart the client has just written. */
const LEVELS: Level[] = [
  { name: 'eventual', read: ({ query }, cartId) => query.getCart(cartId) },
  { name: 'bounded staleness 1000 ms', read: ({ query }, cartId) => query.getCartWithin(cartId, 1000) },
  { name: 'bounded staleness 0 ms', read: ({ query }, cartId) => query.getCartWithin(cartId, 0) },
  { name: 'session', read: ({ query }, cartId, written) => query.getCart(cartId, written.token) },
  { name: 'strong (Cart)', read: ({ cart }, cartId) => cart.getCart(cartId) },
];

export interface LevelResult {
  level: string;
  reads: number;
  latencyMs: Distribution;
  /** Answered 200 without the write the same client had just had acknowledged. */
  missedOwnWrite: number;
  /** Answered 503 READ_MODEL_BEHIND: the level's promise not kept within the wait. */
  behind: number;
  /** Median of what Cart-Query said of its answers' staleness (X-Staleness-Ms). */
  reportedStalenessP50Ms?: number;
}

export interface ConsistencyLevelsResult {
  rate: number;
  load: WriteLoadResult;
  levels: LevelResult[];
}

interface Sample {
  level: string;
  ms: number;
  status: number;
  missed: boolean;
  stalenessMs?: number;
}

/**
 * The latency of each consistency level, read right after one's own write, at 200 writes/s of
 * background load on a stack of its own. The levels take turns within each client, so the
 * machine's drift spreads over all of them alike.
 */
export async function runConsistencyLevels(seconds: number): Promise<ConsistencyLevelsResult> {
  const bench = await BenchStack.start('converge');
  const { stack } = bench;
  try {
    const cart = new CartClient(stack.cart[0].url);
    const query = new CartClient(stack.query[0].url);
    const loadCarts = await Promise.all(Array.from({ length: LOAD_CARTS }, () => cart.createCart()));
    await bench.drained();
    const until = Date.now() + seconds * 1000;
    const [load, ...sampled] = await Promise.all([
      runWriteLoad(
        stack.cart[0].url,
        loadCarts.map((created) => created.body.id),
        seconds,
        LEVELS_WRITE_RATE,
      ),
      ...Array.from({ length: SAMPLERS }, (_, i) => sample({ cart, query }, until, i)),
    ]);
    return { rate: LEVELS_WRITE_RATE, load, levels: summarise(sampled.flat()) };
  } finally {
    await bench.stop();
  }
}

async function sample(clients: { cart: CartClient; query: CartClient }, until: number, offset: number) {
  const created = await clients.cart.createCart();
  const samples: Sample[] = [];
  for (let i = offset; Date.now() < until; i++) {
    const written = await clients.cart.addItem(created.body.id, `LEVEL-${i % 20}`, 1);
    if (written.status !== 200) continue;
    const level = LEVELS[i % LEVELS.length];
    const started = performance.now();
    const answer = await level.read(clients, created.body.id, written);
    const staleness = answer.headers.get('x-staleness-ms');
    samples.push({
      level: level.name,
      ms: performance.now() - started,
      status: answer.status,
      missed: answer.status === 200 && answer.body.version < written.body.version,
      stalenessMs: staleness === null ? undefined : Number(staleness),
    });
    // A client pauses between actions; keeps the samplers from being a load of their own.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return samples;
}

function summarise(samples: Sample[]): LevelResult[] {
  return LEVELS.map(({ name }) => {
    const of = samples.filter((s) => s.level === name);
    const staleness = of.flatMap((s) => (s.stalenessMs === undefined ? [] : [s.stalenessMs]));
    return {
      level: name,
      reads: of.length,
      latencyMs: distribution(of.map((s) => s.ms)),
      missedOwnWrite: of.filter((s) => s.missed).length,
      behind: of.filter((s) => s.status === 503).length,
      reportedStalenessP50Ms: percentile(staleness, 50),
    };
  });
}

const fmt = (value: number | undefined) => (value === undefined ? '–' : String(round(value)));

/** Medians and ratios against the eventual read of the same run: machine speed varies, ratios less. */
export function levelsTable(result: ConsistencyLevelsResult): string {
  const eventual = result.levels[0].latencyMs.p50;
  return [
    `At ${result.rate} writes/s offered (${result.load.achievedRate} achieved), each read right after the client's own write:`,
    '',
    '| level | reads | latency p50 / p95 / p99 ms | p50 ÷ eventual p50 | missed own write | 503 | reported staleness p50 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...result.levels.map(
      (l) =>
        `| ${l.level} | ${l.reads} | ${fmt(l.latencyMs.p50)} / ${fmt(l.latencyMs.p95)} / ${fmt(l.latencyMs.p99)} | ` +
        `${eventual && l.latencyMs.p50 ? `${(l.latencyMs.p50 / eventual).toFixed(1)}×` : '–'} | ` +
        `${l.missedOwnWrite} | ${l.behind} | ${fmt(l.reportedStalenessP50Ms)} |`,
    ),
  ].join('\n');
}
