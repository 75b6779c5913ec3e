import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';

interface Refusal {
  status: number;
  code?: string;
  retryAfter: string | null;
}

const refusal = (answer: { status: number; body: unknown; headers: Headers }): Refusal => ({
  status: answer.status,
  code: (answer.body as { code?: string }).code,
  retryAfter: answer.headers.get('retry-after'),
});

const UNAVAILABLE: Refusal = { status: 503, code: 'DATABASE_UNAVAILABLE', retryAfter: '1' };

describe('a service whose own database is unavailable answers 503 DATABASE_UNAVAILABLE, never 500', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('on both services, writing nothing, and serves again once the database is back', async () => {
    const stack = cleanup.add(await TestStack.start(), (s) => s.stop());
    const writer = new CartClient(stack.cart[0].url);
    const reader = new CartClient(stack.query[0].url);
    const created = await writer.createCart();
    const cartId = created.body.id;
    expect((await reader.getCart(cartId, created.token)).status).toBe(200);

    // Reopened before the stack is dropped, whatever happens.
    cleanup.add(stack.cartDb, (db) => db.setClosed(false));
    cleanup.add(stack.queryDb, (db) => db.setClosed(false));
    await Promise.all([stack.cartDb.setClosed(true), stack.queryDb.setClosed(true)]);
    const answers = await Promise.all([
      writer.addItem(cartId, 'apple', 1),
      writer.getCart(cartId),
      reader.getCart(cartId),
      reader.getCart(cartId, created.token),
    ]);
    expect(answers.map(refusal)).toEqual([UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, UNAVAILABLE]);

    await Promise.all([stack.cartDb.setClosed(false), stack.queryDb.setClosed(false)]);
    const written = await eventually(async () => {
      const answer = await writer.addItem(cartId, 'pear', 2, created.token);
      if (answer.status !== 200) throw new Error(`add answered ${answer.status}`);
      return answer;
    });
    // The refused add left nothing behind: the only line is the one added after the database came back.
    expect(written.body).toMatchObject({ version: 1, items: [{ sku: 'pear', quantity: 2 }] });
    const read = await eventually(async () => {
      const answer = await reader.getCart(cartId, written.token);
      if (answer.status !== 200) throw new Error(`read answered ${answer.status}`);
      return answer;
    });
    expect(read.body).toEqual(written.body);
  }, 60_000);
});
