import { spawnSync } from 'node:child_process';
import type { JsonWebKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenIssuer, generateSigningKeyPair } from '@converge/access-token';
import { CartClient } from '../support/cart-client';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { bearer, TEST_SESSION_SECRET, testKafkaBrokers } from '../support/test-env';

const root = join(__dirname, '..', '..');

/** `npm run token -- <owner> --jwk <file>`, as a person would mint one. */
function mintedByTheTokenScript(owner: string, privateJwk: JsonWebKey): string {
  const file = join(mkdtempSync(join(tmpdir(), 'jwk-')), 'private.jwk.json');
  writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  const run = spawnSync('npm', ['run', '--silent', 'token', '--', owner, '--jwk', file], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`npm run token failed: ${run.stderr}`);
  return run.stdout.trim();
}

describe('a service given the issuer’s public keys (AUTH_JWKS_URL) and no secret', () => {
  const first = generateSigningKeyPair('ec', 'first');
  const second = generateSigningKeyPair('rsa', 'second');
  let published: JsonWebKey[] = [first.publicJwk];
  let jwksStatus = 200;
  let jwksServer: Server;
  let db: TestDatabase;
  let cart: ServiceProcess;

  beforeAll(async () => {
    jwksServer = createServer((_, response) =>
      response.writeHead(jwksStatus, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published })),
    );
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    db = await createTestDatabase('cart');
    cart = await ServiceProcess.start('cart', {
      KAFKA_BROKERS: testKafkaBrokers(),
      CART_DATABASE_URL: db.url,
      SESSION_TOKEN_SECRET: TEST_SESSION_SECRET,
      AUTH_JWKS_MIN_REFRESH_MS: '1000',
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
    });
  });

  afterAll(async () => {
    await cart?.stop();
    await db?.drop();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  });

  const as = (token: string) => new CartClient(cart.url, `Bearer ${token}`);

  it('accepts a token signed with a published key, minted by npm run token --jwk', async () => {
    const created = await as(mintedByTheTokenScript('alice', first.privateJwk)).createCart();
    expect(created.status).toBe(201);
  });

  it('refuses a token signed with the shared secret it was not given', async () => {
    const refused = await new CartClient(cart.url, bearer()).createCart();
    expect([refused.status, (refused.body as unknown as { code: string }).code]).toEqual([401, 'ACCESS_TOKEN_INVALID']);
  });

  it('accepts a token of a key published after it started (a rotation), by fetching the set again', async () => {
    published = [first.publicJwk, second.publicJwk];
    const client = as(new AccessTokenIssuer(second.privateJwk).issue('alice'));
    // Within AUTH_JWKS_MIN_REFRESH_MS of the last fetch the kid is still unknown; then it is fetched.
    await eventually(async () => expect((await client.createCart()).status).toBe(201));
  });

  it('answers a kid nobody published with 401 ACCESS_TOKEN_KEY_UNKNOWN', async () => {
    const stranger = generateSigningKeyPair('ec', 'stranger');
    const refused = await as(new AccessTokenIssuer(stranger.privateJwk).issue('alice')).createCart();
    expect([refused.status, (refused.body as unknown as { code: string }).code]).toEqual([
      401,
      'ACCESS_TOKEN_KEY_UNKNOWN',
    ]);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers a kid it lacks with a retriable 503 while the key set cannot be fetched, and keeps the keys it has', async () => {
    const stranger = as(new AccessTokenIssuer(generateSigningKeyPair('ec', 'unseen').privateJwk).issue('alice'));
    const known = as(new AccessTokenIssuer(first.privateJwk).issue('alice'));
    const codeOf = async (client: CartClient) => {
      const answer = await client.createCart();
      return [answer.status, (answer.body as unknown as { code?: string }).code];
    };
    jwksStatus = 503;
    try {
      // Once AUTH_JWKS_MIN_REFRESH_MS has passed since the last fetch, the next unknown kid fetches, and fails.
      await eventually(async () => expect(await codeOf(stranger)).toEqual([503, 'ACCESS_TOKEN_KEYS_UNAVAILABLE']));
      expect((await stranger.createCart()).headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect((await known.createCart()).status).toBe(201);
    } finally {
      jwksStatus = 200;
    }
    await eventually(async () => expect(await codeOf(stranger)).toEqual([401, 'ACCESS_TOKEN_KEY_UNKNOWN']));
  });
});
