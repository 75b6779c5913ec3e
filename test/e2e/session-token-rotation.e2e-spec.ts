import { SessionToken, SessionTokenCodec } from '@converge/session-token';
import { CartClient } from '../support/cart-client';
import { TestStack } from '../support/stack';
import { TEST_SESSION_SECRET } from '../support/test-env';

/** Key A: what Cart signs with, as id 0 and so in format 1, as every deployment before key ids did. */
const KEY_A = TEST_SESSION_SECRET;
/** Key B: the secret a rotation brings in, as id 1. */
const KEY_B = 'converge-test-rotated-session-secret-0123456789';
const HOUR_MS = 3_600_000;

/** Cart-Query after the rotation: B current, A still accepted until `until`. */
const rotatedEnv = (until: Date): Record<string, string> => ({
  SESSION_TOKEN_SECRET: KEY_B,
  SESSION_TOKEN_KEY_ID: '1',
  SESSION_TOKEN_PREVIOUS_KEYS: JSON.stringify([{ id: 0, secret: KEY_A, until: until.toISOString() }]),
});

describe('a session token key rotation', () => {
  let stack: TestStack;
  let write: CartClient;
  let withinGrace: CartClient;
  let pastGrace: CartClient;

  beforeAll(async () => {
    // Cart still on key A alone: the tokens already out when the readers rotate.
    stack = await TestStack.start({ queries: 0 });
    const [first, second] = await Promise.all([
      stack.startQuery(rotatedEnv(new Date(Date.now() + HOUR_MS))),
      stack.startQuery(rotatedEnv(new Date(Date.now() - HOUR_MS))),
    ]);
    write = new CartClient(stack.cart[0].url);
    withinGrace = new CartClient(first.url);
    pastGrace = new CartClient(second.url);
  });
  afterAll(() => stack?.stop());

  it('lets a token Cart minted under key A read its own write from a Cart-Query on key B, within the grace period', async () => {
    const created = await write.createCart();
    const written = await write.addItem(created.body.id, 'apple', 2, created.token);
    expect(written.status).toBe(200);
    expect(new SessionTokenCodec(KEY_A).decode(written.token as string).entries()).toEqual([
      [created.body.id, written.body.version],
    ]);

    const answer = await withinGrace.getCart(created.body.id, written.token);

    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: written.body });
    // Cart-Query answers with a token of the current key, B, naming its id in format 2.
    const rotated = new SessionTokenCodec(KEY_B, { keyId: 1 }).decode(answer.token as string);
    expect(rotated.entries()).toEqual([[created.body.id, written.body.version]]);
    expect(Buffer.from((answer.token as string).split('.')[0], 'base64url')[0]).toBe(2);
  });

  it('refuses a token of key A with 400 SESSION_TOKEN_INVALID once its grace period is over, and takes one of key B', async () => {
    const created = await write.createCart();
    const written = await write.addItem(created.body.id, 'pear', 1, created.token);

    const refused = await pastGrace.getCart(created.body.id, written.token);

    expect({ status: refused.status, code: (refused.body as unknown as { code: string }).code }).toEqual({
      status: 400,
      code: 'SESSION_TOKEN_INVALID',
    });
    const ofKeyB = new SessionTokenCodec(KEY_B, { keyId: 1 }).encode(
      SessionToken.of([[created.body.id, written.body.version]]),
    );
    const answer = await pastGrace.getCart(created.body.id, ofKeyB);
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: written.body });
  });
});
