import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AccessTokenIssuer } from '@converge/access-token';
import { CartWriteDatabase } from '../cart/cart-write-database';
import { rawRequest } from '../hostile/raw-http';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, TEST_AUTH_SECRET, testAccessToken, testSecretsEnv } from '../support/test-env';

const UNKNOWN_CART = '00000000-0000-4000-8000-000000000000';

interface ErrorAnswer {
  status: number;
  code?: string;
  challenge: string | null;
}

async function call(url: string, method: string, authorization?: string, body?: unknown): Promise<ErrorAnswer> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.Authorization = authorization;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await requestJson<{ code?: string }>(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, code: answer.body?.code, challenge: answer.headers.get('www-authenticate') };
}

describe('owners and access: Authorization: Bearer <JWT> on both services', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let database: CartWriteDatabase;
  let aliceCart: string;
  let aliceVersion: number;
  const alice = { write: '', read: '' } as { write: string; read: string };
  let aliceToken: string | undefined;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start({ env: { SESSION_WAIT_MS: '500', LOG_LEVEL: 'debug' } }), (s) =>
      s.stop(),
    );
    database = cleanup.add(await CartWriteDatabase.connect(stack.cartDb.url), (d) => d.close());
    alice.write = stack.cart[0].url;
    alice.read = stack.query[0].url;
    const writer = new CartClient(alice.write, bearer('alice'));
    const created = await writer.createCart();
    aliceCart = created.body.id;
    const added = await writer.addItem(aliceCart, 'apple', 2, created.token);
    aliceVersion = added.body.version;
    aliceToken = added.token;
    // Propagated, so the read side is asked about a cart it holds.
    expect((await new CartClient(alice.read, bearer('alice')).getCart(aliceCart, aliceToken)).status).toBe(200);
  });

  afterAll(() => cleanup.run());

  /** Every route of both services that holds someone's data. */
  const routes = () =>
    [
      ['POST', `${alice.write}/carts`, undefined],
      ['GET', `${alice.write}/carts/${aliceCart}`, undefined],
      ['POST', `${alice.write}/carts/${aliceCart}/items`, { sku: 'pear', quantity: 1 }],
      ['PATCH', `${alice.write}/carts/${aliceCart}/items/apple`, { quantity: 9 }],
      ['DELETE', `${alice.write}/carts/${aliceCart}/items/apple`, undefined],
      ['DELETE', `${alice.write}/carts/${aliceCart}/items`, undefined],
      ['GET', `${alice.read}/carts/${aliceCart}`, undefined],
    ] as const;

  const unauthenticated = [
    ['no Authorization header', () => undefined, 'ACCESS_TOKEN_MISSING'],
    ['an expired token', () => `Bearer ${testAccessToken('alice', -60)}`, 'ACCESS_TOKEN_EXPIRED'],
    [
      'a token signed with another secret',
      () => `Bearer ${new AccessTokenIssuer(`${TEST_AUTH_SECRET}-elsewhere`).issue('alice')}`,
      'ACCESS_TOKEN_INVALID',
    ],
    ['a token with its signature cut off', () => bearer('alice').replace(/\.[^.]+$/, '.'), 'ACCESS_TOKEN_INVALID'],
    ['another scheme', () => 'Basic YWxpY2U6c2VjcmV0', 'ACCESS_TOKEN_INVALID'],
  ] as const;

  it.each(unauthenticated)('answers %s with 401, a Bearer challenge, and writes nothing', async (_, auth, code) => {
    const before = await database.totals();
    for (const [method, url, body] of routes()) {
      const answer = await call(url, method, auth(), body);
      expect({ route: `${method} ${url}`, ...answer }).toEqual({
        route: `${method} ${url}`,
        status: 401,
        code,
        challenge: expect.stringMatching(/^Bearer realm="converge"/),
      });
    }
    expect(await database.totals()).toEqual(before);
  });

  it('refuses two Authorization headers, of which Node would silently keep the first', async () => {
    const before = await database.totals();
    const answer = await rawRequest(alice.write, {
      method: 'POST',
      path: '/carts',
      headers: { Authorization: [bearer('alice'), bearer('bob')] },
    });
    expect({ status: answer.status, body: answer.json }).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'ACCESS_TOKEN_INVALID' }),
    });
    expect(await database.totals()).toEqual(before);
  });

  it("answers another caller's requests for a cart exactly as for a cart that does not exist", async () => {
    const before = await database.committed(aliceCart);
    for (const [method, url, body] of routes().slice(1)) {
      const theirs = await call(url, method, bearer('bob'), body);
      const none = await call(url.replace(aliceCart, UNKNOWN_CART), method, bearer('bob'), body);
      expect({ route: `${method} ${url}`, ...theirs }).toEqual({ route: `${method} ${url}`, ...none });
      expect(theirs).toMatchObject({ status: 404, code: 'CART_NOT_FOUND' });
    }
    // Not even with the owner's session token, which asks the read side to wait for a version.
    const read = await new CartClient(alice.read, bearer('bob')).getCart(aliceCart, aliceToken);
    expect({ status: read.status, code: (read.body as unknown as { code: string }).code }).toEqual({
      status: 404,
      code: 'CART_NOT_FOUND',
    });
    expect(await database.committed(aliceCart)).toEqual(before);
  });

  it('lets the owner, and only the owner, change and read the cart; the owner is in CartCreated', async () => {
    const writer = new CartClient(alice.write, bearer('alice'));
    const changed = await writer.setQuantity(aliceCart, 'apple', 5, aliceToken);
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(aliceVersion + 1);
    const read = await new CartClient(alice.read, bearer('alice')).getCart(aliceCart, changed.token);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(changed.body);
    expect(Object.keys(read.body)).not.toContain('owner');
    const { outbox } = await database.committed(aliceCart);
    expect(outbox[0].payload).toMatchObject({ type: 'CartCreated', payload: { owner: 'alice' } });
  });

  it('carts created by one caller are invisible to another on both sides, and visible to the creator', async () => {
    const bobCart = await new CartClient(alice.write, bearer('bob')).createCart();
    expect(bobCart.status).toBe(201);
    const bobRead = await new CartClient(alice.read, bearer('bob')).getCart(bobCart.body.id, bobCart.token);
    expect(bobRead.status).toBe(200);
    const aliceReads = await Promise.all([
      new CartClient(alice.write, bearer('alice')).getCart(bobCart.body.id),
      new CartClient(alice.read, bearer('alice')).getCart(bobCart.body.id),
    ]);
    expect(aliceReads.map((answer) => answer.status)).toEqual([404, 404]);
  });

  it('accepts the token `npm run token` prints, for the owner it names', async () => {
    // Not execFileSync: a blocked event loop misses the server closing an idle keep-alive socket,
    // and the next request would be sent down it.
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'token', '--', 'carol', '--ttl', '60'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, AUTH_JWT_SECRET: TEST_AUTH_SECRET },
      encoding: 'utf8',
    });
    const created = await new CartClient(alice.write, `Bearer ${stdout.trim()}`).createCart();
    expect(created.status).toBe(201);
    expect((await database.committed(created.body.id)).outbox[0].payload).toMatchObject({
      payload: { owner: 'carol' },
    });
  }, 60_000);

  it('keeps health, readiness and metrics open, and never writes a secret or a token to the logs', async () => {
    for (const service of [...stack.cart, ...stack.query]) {
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        expect({ path, status: (await fetch(`${service.url}${path}`)).status }).toEqual({ path, status: 200 });
      }
    }
    const sent = [bearer('alice'), bearer('bob')];
    await call(`${alice.write}/carts/${aliceCart}`, 'GET', sent[0]);
    await call(`${alice.read}/carts/${aliceCart}`, 'GET', sent[1]);
    const logs = [...stack.cart, ...stack.query].map((service) => service.logs).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of Object.values(testSecretsEnv())) expect(logs).not.toContain(secret);
    for (const authorization of sent) expect(logs).not.toContain(authorization.split('.')[2]);
  });
});
