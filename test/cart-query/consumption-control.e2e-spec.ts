import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, operatorBearer } from '../support/test-env';

const SESSION_WAIT_MS = 400;

describe('pausing and resuming Cart-Query consumption (PUT /operations/consumption)', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let url: string;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start({ env: { SESSION_WAIT_MS: String(SESSION_WAIT_MS) } }), (s) => s.stop());
    url = `${stack.query[0].url}/operations/consumption`;
  });

  afterAll(() => cleanup.run());

  const put = (authorization: string | undefined, body: unknown) =>
    requestJson<{ code?: string; paused?: boolean }>(url, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization === undefined ? {} : { Authorization: authorization }),
      },
      body: JSON.stringify(body),
    });

  it('is for operators only: 401 without a token, 403 INSUFFICIENT_SCOPE without the scope, 400 for a bad body', async () => {
    const answers = await Promise.all([
      put(undefined, { paused: true }),
      put(bearer(), { paused: true }),
      put(operatorBearer(), { paused: 'yes' }),
      put(operatorBearer(), {}),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual([
      [401, 'ACCESS_TOKEN_MISSING'],
      [403, 'INSUFFICIENT_SCOPE'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
    ]);
    expect(answers[1].headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const state = await requestJson<{ paused: boolean }>(url, { headers: { Authorization: operatorBearer() } });
    expect(state.body).toEqual({ paused: false });
  });

  it('holds the read model still while paused, serving reads, and catches up once resumed', async () => {
    const writer = new CartClient(stack.cart[0].url);
    const reader = new CartClient(stack.query[0].url);
    const operator = new CartClient(stack.query[0].url, operatorBearer());
    const created = await writer.createCart();
    const cartId = created.body.id;
    const before = await writer.addItem(cartId, 'apple', 1, created.token);
    expect((await reader.getCart(cartId, before.token)).body.version).toBe(1);

    await operator.setConsumptionPaused(true);
    let token = before.token;
    for (let i = 0; i < 5; i++) token = (await writer.addItem(cartId, 'apple', 1, token)).token;
    // Bounded proof that nothing is applied while paused: the token's version is not reached within the wait.
    const behind = await reader.getCart(cartId, token);
    expect({ status: behind.status, code: (behind.body as unknown as { code: string }).code }).toEqual({
      status: 503,
      code: 'READ_MODEL_BEHIND',
    });
    expect(behind.headers.get('retry-after')).toBe('1');
    const stale = await reader.getCart(cartId);
    expect({ status: stale.status, version: stale.body.version }).toEqual({ status: 200, version: 1 });

    await operator.setConsumptionPaused(false);
    // A client obeying Retry-After: the backlog drains from where the paused consumer stopped.
    const caughtUp = await eventually(async () => {
      const answer = await reader.getCart(cartId, token);
      if (answer.status === 503) throw new Error('still behind');
      return answer;
    });
    expect({ status: caughtUp.status, version: caughtUp.body.version }).toEqual({ status: 200, version: 6 });
    expect(caughtUp.body.items).toEqual([{ sku: 'apple', quantity: 6 }]);
  });
});
