import { CartClient } from '../../test/support/cart-client';

/**
 * What a client sees: one session writes, then reads Cart-Query with the token the write
 * returned; the time from the write's answer to the read's answer is the visible lag.
 */
export async function sampleVisibleLag(write: CartClient, read: CartClient, until: number): Promise<number[]> {
  const cart = await write.createCart();
  const samples: number[] = [];
  for (let i = 0; Date.now() < until; i++) {
    const written = await write.addItem(cart.body.id, `VISIBLE-${i % 50}`, 1);
    if (written.status !== 200) continue;
    const acknowledged = performance.now();
    const answer = await read.getCart(cart.body.id, written.token);
    if (answer.status === 200) samples.push(performance.now() - acknowledged);
    // A client pauses between actions; keeps the sampler from being a load of its own.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return samples;
}
