import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type InboundMessage, KafkajsEventBroker, type OutboundMessage, readWatermark } from '@converge/kafka';
import { CartClient } from '../support/cart-client';
import { asMessage, CartEventStream } from '../support/cart-event-stream';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';
import { testKafkaBrokers, uniqueName } from '../support/test-env';
import { Cleanup } from '../support/cleanup';
import { FaultRun } from './support/fault-run';

const GAP_CARTS = 4;
const POISON_REASONS = ['key-mismatch', 'not-json', 'schema-violation', 'unknown-type'];

type Envelope = { eventId: string; type: string; payload: Record<string, unknown> };

/** A real event again under a new id, one version the read model already has: it must be skipped. */
function staleUnderNewId(message: InboundMessage): OutboundMessage {
  const event = JSON.parse(message.value?.toString() ?? '{}') as Envelope;
  const payload = { ...event.payload };
  // Were it applied, the checker would see it: half a thousand more of the sku.
  if (typeof payload.quantity === 'number') payload.quantity = Math.min(1000, payload.quantity + 500);
  if (typeof payload.lineQuantity === 'number') payload.lineQuantity = Math.min(1000, payload.lineQuantity + 500);
  return { key: message.key ?? '', value: JSON.stringify({ ...event, eventId: randomUUID(), payload }) };
}

const redelivered = (message: InboundMessage): OutboundMessage => ({
  key: message.key ?? '',
  value: message.value ?? '',
  headers: message.headers,
});

/** The four kinds of poison, on a cart of their own whose only valid event is its creation. */
function poison(cart: CartEventStream, created: ReturnType<CartEventStream['created']>): OutboundMessage[] {
  return [
    { key: cart.cartId, value: '{not json' },
    { key: cart.cartId, value: JSON.stringify({ ...cart.added('stolen', 1), type: 'ItemStolen' }) },
    { key: cart.cartId, value: JSON.stringify({ ...created, eventId: randomUUID(), version: 'one' }) },
    { key: randomUUID(), value: JSON.stringify(cart.added('wrong-key', 1)) },
  ];
}

describe('fault: duplicates, stale versions under new ids, gaps and poison produced onto the topic mid-load', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('the read model applies each change once, in order, parks gaps, dead-letters poison, and converges', async () => {
    const stack = cleanup.add(await TestStack.start(), (s) => s.stop());
    const kafka = cleanup.add(
      new KafkajsEventBroker({ clientId: 'fault-injector', brokers: testKafkaBrokers().split(','), logLevel: 'error' }),
      (k) => k.disconnect(),
    );
    const sql = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await sql.connect();

    // What the relay really published (tapped by a group of our own), and what was dead-lettered.
    const published: InboundMessage[] = [];
    const deadLettered: InboundMessage[] = [];
    await kafka.subscribe({
      topic: stack.topic,
      groupId: uniqueName('fault-tap'),
      // Watermarks are not events: nothing to re-inject.
      handleBatch: async (batch) =>
        void published.push(...batch.messages.filter((m) => readWatermark(m) === undefined)),
    });
    await kafka.subscribe({
      topic: `${stack.topic}.dlq`,
      groupId: uniqueName('fault-dlq'),
      handleBatch: async (batch) => void deadLettered.push(...batch.messages),
    });

    const run = cleanup.add(await FaultRun.begin('e. duplicates, stale, gaps, poison injected', stack), (r) =>
      r.stopLoad(),
    );
    const clientCarts = new Set(run.cartIds);
    await run.until('2 s of load, and real events tapped', () => run.loadedFor(2000) && published.length >= 100);

    // Redeliveries and stale forgeries of the clients' real events, paced, while the load runs.
    let injecting = true;
    const injected = { duplicates: 0, stale: 0 };
    const injector = (async () => {
      for (let round = 0; injecting; round++) {
        const real = published.filter((message) => clientCarts.has(message.key ?? ''));
        const picks = Array.from({ length: 4 }, () => real[Math.floor(Math.random() * real.length)]);
        const duplicate = round % 2 === 0;
        await kafka.publish(stack.topic, picks.map(duplicate ? redelivered : staleUnderNewId));
        if (duplicate) injected.duplicates += picks.length;
        else injected.stale += picks.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    cleanup.add(injector, async (pending) => {
      injecting = false;
      await pending;
    });

    // Gaps: carts of their own, created, at v1, then v3 before v2.
    const gapCarts = Array.from({ length: GAP_CARTS }, () => new CartEventStream());
    const held = gapCarts.map((cart) => {
      const events = [cart.created(), cart.added('g', 1), cart.added('g', 2), cart.added('h', 3)];
      return { cart, before: [events[0], events[1], events[3]], missing: events[2] };
    });
    await kafka.publish(
      stack.topic,
      held.flatMap(({ before }) => before.map(asMessage)),
    );
    const poisoned = new CartEventStream();
    const poisonedCreated = poisoned.created();
    await kafka.publish(stack.topic, [asMessage(poisonedCreated), ...poison(poisoned, poisonedCreated)]);

    const parked = async () =>
      (
        await sql.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM parked_events WHERE aggregate_id = ANY($1::uuid[])',
          [gapCarts.map((cart) => cart.cartId)],
        )
      ).rows[0].n;
    await run.until(
      'the events beyond the gaps parked, and redeliveries and stale forgeries injected',
      async () => (await parked()) === GAP_CARTS && injected.duplicates >= 200 && injected.stale >= 200,
    );

    // The missing predecessors arrive: the parked events follow them.
    await kafka.publish(
      stack.topic,
      held.map(({ missing }) => asMessage(missing)),
    );
    await kafka.publish(stack.topic, poison(poisoned, poisonedCreated));
    injecting = false;
    await injector;
    await run.faultEnded();
    await run.until('9 s of load', () => run.loadedFor(9000));

    await run.finish();
    process.stdout.write(
      `[faults] e.: injected ${injected.duplicates} redeliveries, ${injected.stale} stale forgeries, ` +
        `${GAP_CARTS} gaps, ${2 * POISON_REASONS.length} poison messages\n`,
    );

    const read = new CartClient(stack.query[0].url);
    for (const { cart } of held) {
      const answer = await read.getCart(cart.cartId);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ version: cart.currentVersion, items: cart.items });
    }
    expect(await parked()).toBe(0);
    expect((await read.getCart(poisoned.cartId)).body).toMatchObject({ version: 0, items: [] });
    await eventually(async () => expect(deadLettered).toHaveLength(2 * POISON_REASONS.length));
    expect(deadLettered.map((message) => message.headers['dlq-reason']).sort()).toEqual(
      [...POISON_REASONS, ...POISON_REASONS].sort(),
    );
  }, 120_000);
});
