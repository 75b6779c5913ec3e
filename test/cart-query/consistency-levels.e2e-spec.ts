import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { KafkajsEventBroker } from '@converge/kafka';
import { CartClient, type CartAnswer } from '../support/cart-client';
import { asMessage, CartEventStream } from '../support/cart-event-stream';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';
import { operatorBearer, testKafkaBrokers } from '../support/test-env';

const SESSION_WAIT_MS = 1000;
const WATERMARK_IDLE_MS = 100;

/** The answer's watermark (epoch ms) and staleness; undefined when it carries none. */
function consistency(answer: CartAnswer): { asOfMs?: number; stalenessMs?: number } {
  const asOf = answer.headers.get('x-consistent-as-of');
  const staleness = answer.headers.get('x-staleness-ms');
  return {
    asOfMs: asOf === null ? undefined : Date.parse(asOf),
    stalenessMs: staleness === null ? undefined : Number(staleness),
  };
}

const codeOf = (answer: CartAnswer) => (answer.body as unknown as { code?: string }).code;

describe('consistency levels on reads: watermarks and Max-Staleness', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let writer: CartClient;
  let reader: CartClient;

  beforeAll(async () => {
    stack = cleanup.add(
      await TestStack.start({
        // Two instances in one group: each applies some partitions' watermarks and must hear of the others'.
        queries: 2,
        env: { SESSION_WAIT_MS: String(SESSION_WAIT_MS), OUTBOX_WATERMARK_IDLE_MS: String(WATERMARK_IDLE_MS) },
      }),
      (s) => s.stop(),
    );
    writer = new CartClient(stack.cart[0].url);
    reader = new CartClient(stack.query[0].url);
  });

  afterAll(() => cleanup.run());

  it('says on every read, a 404 of a cart never seen included, as of when it is consistent and how stale it may be', async () => {
    const created = await writer.createCart();
    const read = await eventually(async () => {
      const answer = await reader.getCart(created.body.id);
      if (consistency(answer).asOfMs === undefined) throw new Error('no watermark yet');
      return answer;
    });
    const absent = await reader.getCart(randomUUID());
    for (const answer of [read, absent]) {
      const { asOfMs, stalenessMs } = consistency(answer);
      expect(answer.headers.get('x-consistent-as-of')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(asOfMs).toBeLessThanOrEqual(Date.now());
      expect(stalenessMs).toBeGreaterThanOrEqual(0);
    }
    expect(absent.status).toBe(404);
    // The watermarks consumed before these answers were skipped as events, not dead-lettered.
    const readModel = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await readModel.connect();
    const { rows } = await readModel.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    expect(rows[0].n).toBe(0);
  });

  it('Max-Staleness: 0 misses no write committed before the request, without a session token, on either instance', async () => {
    const readers = stack.query.map((service) => new CartClient(service.url));
    const created = await writer.createCart();
    const waits: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const written = await writer.addItem(created.body.id, 'apple', 1);
      const sentAt = Date.now();
      const answer = await readers[i % 2].getCartWithin(created.body.id, 0);
      waits.push(Date.now() - sentAt);
      expect({ status: answer.status, version: answer.body.version }).toEqual({ status: 200, version: i });
      expect(written.body.version).toBe(i);
      expect(consistency(answer).asOfMs).toBeGreaterThanOrEqual(sentAt);
    }
    // The instance that does not consume the cart's partition hears of its watermarks by NOTIFY;
    // without it, it would answer each of its half of the reads only at the end of the wait.
    expect(waits.filter((ms) => ms >= SESSION_WAIT_MS).length).toBeLessThan(waits.length / 2);
  });

  it.each(['-1', '1.5', 'soon', '3600001', '100, 200', ''])(
    'refuses Max-Staleness %p with 400 INVALID_MAX_STALENESS',
    async (value) => {
      const answer = await reader.getCartWithin(randomUUID(), value);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 400, code: 'INVALID_MAX_STALENESS' });
    },
  );

  it('while consumption is paused, reports growing staleness and answers bounded reads 503 within the wait', async () => {
    const operators = stack.query.map((service) => new CartClient(service.url, operatorBearer()));
    const created = await writer.createCart();
    const cartId = created.body.id;
    await eventually(async () => expect((await reader.getCartWithin(cartId, 0, created.token)).status).toBe(200));

    // Every instance: each consumes some of the partitions.
    const pauseAll = (paused: boolean) => Promise.all(operators.map((o) => o.setConsumptionPaused(paused)));
    await pauseAll(true);
    cleanup.add(operators, () => pauseAll(false).then(() => undefined));
    const first = consistency(await reader.getCart(cartId));
    const later = await eventually(async () => {
      const now = consistency(await reader.getCart(cartId));
      if (now.stalenessMs! < first.stalenessMs! + 5 * WATERMARK_IDLE_MS) throw new Error('staleness not grown yet');
      return now;
    });
    // Nothing applied while paused, so the watermark stands still while the staleness grows.
    expect(later.asOfMs).toBe(first.asOfMs);

    const asked = Date.now();
    const bounded = await reader.getCartWithin(cartId, 2 * WATERMARK_IDLE_MS);
    const waited = Date.now() - asked;
    expect({ status: bounded.status, code: codeOf(bounded) }).toEqual({ status: 503, code: 'READ_MODEL_BEHIND' });
    expect(bounded.headers.get('retry-after')).toBe('1');
    expect(waited).toBeGreaterThanOrEqual(SESSION_WAIT_MS - 50);
    expect(waited).toBeLessThan(SESSION_WAIT_MS + 2000);
    // With a session token it already satisfies, the bound still has to hold.
    const both = await reader.getCartWithin(cartId, 2 * WATERMARK_IDLE_MS, created.token);
    expect({ status: both.status, code: codeOf(both) }).toEqual({ status: 503, code: 'READ_MODEL_BEHIND' });
    // A bound the stale watermark meets is answered at once.
    expect((await reader.getCartWithin(cartId, 3_600_000)).status).toBe(200);

    await pauseAll(false);
    const fresh = await eventually(async () => {
      const answer = await reader.getCartWithin(cartId, 0);
      if (answer.status !== 200) throw new Error(`answered ${answer.status}`);
      return answer;
    });
    expect(consistency(fresh).asOfMs).toBeGreaterThan(later.asOfMs!);
  });

  it("holds a partition's watermark while one of its events is parked behind a gap, and only that partition's", async () => {
    const broker = cleanup.add(
      new KafkajsEventBroker({ clientId: 'gap-maker', brokers: testKafkaBrokers().split(','), logLevel: 'error' }),
      (b) => b.disconnect(),
    );
    const readModel = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await readModel.connect();
    const watermarks = async () => {
      const { rows } = await readModel.query<{ partition: number; ms: string }>(
        'SELECT partition, floor(extract(epoch FROM watermark) * 1000) AS ms FROM partition_watermarks',
      );
      return new Map(rows.map((row) => [row.partition, Number(row.ms)]));
    };
    const cart = new CartEventStream();
    const partition = await broker.partitionOf(stack.topic, cart.cartId);
    const [created, first, second] = [cart.created(), cart.added('a', 1), cart.added('b', 1)];
    await broker.publish(stack.topic, [asMessage(created), asMessage(second)]);
    await eventually(async () => {
      const { rows } = await readModel.query('SELECT 1 FROM parked_events WHERE aggregate_id = $1', [cart.cartId]);
      expect(rows).toHaveLength(1);
    });

    const held = await watermarks();
    const moved = await eventually(async () => {
      const now = await watermarks();
      for (const [other, ms] of held) if (other !== partition) expect(now.get(other)).toBeGreaterThan(ms);
      return now;
    });
    expect(moved.get(partition)).toBe(held.get(partition));

    await broker.publish(stack.topic, [asMessage(first)]);
    await eventually(async () => expect((await watermarks()).get(partition)).toBeGreaterThan(held.get(partition)!));
  });

  it('exposes the watermark age of every partition as a metric', async () => {
    await eventually(async () => {
      const text = await (await fetch(`${stack.query[0].url}/metrics`)).text();
      const partitions = text.match(/^converge_watermark_age_seconds\{partition="\d+"\} [\d.e+-]+$/gm) ?? [];
      expect(partitions).toHaveLength(3);
    });
  });
});
