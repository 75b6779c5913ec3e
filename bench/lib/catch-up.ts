import { KafkajsEventBroker } from '@converge/kafka';
import { asMessage, CartEventStream } from '../../test/support/cart-event-stream';
import { eventually } from '../../test/support/eventually';
import { TestStack } from '../../test/support/stack';
import { testKafkaBrokers } from '../../test/support/test-env';
import { MODES, type Mode } from './modes';
import { count } from './propagation';

export interface CatchUpResult {
  mode: Mode;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

const EVENTS_PER_CART = 50;

/**
 * Cart-Query starts against a topic that already holds `events` events (as if it had been down
 * while writes went on) and drains them: from its start until the last one is applied.
 */
export async function runCatchUp(mode: Mode, events: number): Promise<CatchUpResult> {
  const stack = await TestStack.start({ queries: 0, carts: 0, env: { ...MODES[mode], LOG_LEVEL: 'warn' } });
  const producer = new KafkajsEventBroker({
    clientId: 'bench-backlog',
    brokers: testKafkaBrokers().split(','),
    logLevel: 'error',
  });
  try {
    const carts = Array.from({ length: Math.ceil(events / EVENTS_PER_CART) }, () => new CartEventStream());
    const all = carts.flatMap((cart) => [
      cart.created(),
      ...Array.from({ length: EVENTS_PER_CART - 1 }, (_, i) => cart.added(`SKU-${i % 10}`, 1)),
    ]);
    for (let i = 0; i < all.length; i += 5000)
      await producer.publish(stack.topic, all.slice(i, i + 5000).map(asMessage));

    await stack.startQuery();
    await eventually(
      async () => {
        const applied = await count(stack.queryDb.url, 'SELECT count(*) AS n FROM processed_events');
        if (applied < all.length) throw new Error(`${applied} of ${all.length}`);
      },
      900_000,
      100,
    );
    // From the first event applied to the last: the drain itself, not the process's start-up.
    const seconds =
      (await count(
        stack.queryDb.url,
        'SELECT extract(epoch FROM max(processed_at) - min(processed_at)) * 1000 AS n FROM processed_events',
      )) / 1000;
    return {
      mode,
      events: all.length,
      seconds: Number(seconds.toFixed(1)),
      eventsPerSecond: Math.round(all.length / seconds),
    };
  } finally {
    await producer.disconnect();
    await stack.stop();
  }
}
