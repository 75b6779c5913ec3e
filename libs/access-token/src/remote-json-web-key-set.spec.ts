import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonWebKey } from 'node:crypto';
import { AppError } from '@converge/platform';
import { AccessTokenKeysUnavailableError } from './access-token.errors';
import { AccessTokenIssuer } from './access-token.issuer';
import { generateSigningKeyPair as keyPair } from './signing-key-pair';
import { AccessTokenVerifier } from './access-token.verifier';
import { RemoteJsonWebKeySet } from './remote-json-web-key-set';

const first = keyPair('ec', 'k1');
const second = keyPair('ec', 'k2');

describe('RemoteJsonWebKeySet', () => {
  let published: JsonWebKey[] = [first.publicJwk];
  let status = 200;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_, response) => {
      response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const bearer = (key: JsonWebKey) => `Bearer ${new AccessTokenIssuer(key).issue('alice')}`;
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)),
    );

  it('fetches on the first token, and again when a token names a kid rotated in since', async () => {
    published = [first.publicJwk];
    const keys = new RemoteJsonWebKeySet(url, { minRefreshIntervalMs: 0 });
    const verifier = new AccessTokenVerifier(keys);
    expect((await verifier.authenticate(bearer(first.privateJwk))).owner).toBe('alice');
    expect(await codeOf(verifier.authenticate(bearer(second.privateJwk)))).toBe('ACCESS_TOKEN_KEY_UNKNOWN');
    published = [first.publicJwk, second.publicJwk];
    expect((await verifier.authenticate(bearer(second.privateJwk))).owner).toBe('alice');
    expect(keys.fetches).toBe(3);
  });

  it('fetches at most once per interval, however many unknown kids arrive', async () => {
    published = [first.publicJwk];
    const keys = new RemoteJsonWebKeySet(url, { minRefreshIntervalMs: 60_000 });
    const verifier = new AccessTokenVerifier(keys);
    const strangers = Array.from({ length: 20 }, (_, i) => keyPair('ec', `stranger-${i}`).privateJwk);
    const codes = await Promise.all(strangers.map((key) => codeOf(verifier.authenticate(bearer(key)))));
    expect(new Set(codes)).toEqual(new Set(['ACCESS_TOKEN_KEY_UNKNOWN']));
    expect(await codeOf(verifier.authenticate(bearer(first.privateJwk)))).toBe('accepted');
    expect(keys.fetches).toBe(1);
  });

  it('keeps the keys it has when a fetch fails, and calls a kid it lacks unavailable, not unknown, until one succeeds', async () => {
    published = [first.publicJwk];
    const failures: string[] = [];
    const keys = new RemoteJsonWebKeySet(url, { minRefreshIntervalMs: 0, onRefreshFailed: (r) => failures.push(r) });
    const verifier = new AccessTokenVerifier(keys);
    await verifier.authenticate(bearer(first.privateJwk));
    status = 503;
    try {
      // The provider may hold that key: the caller is told to come back, not that its token is bad.
      const refused = await verifier.authenticate(bearer(second.privateJwk)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AccessTokenKeysUnavailableError);
      expect(refused).toMatchObject({ code: 'ACCESS_TOKEN_KEYS_UNAVAILABLE', retriable: true, retryAfterSeconds: 1 });
      expect(await codeOf(verifier.authenticate(bearer(first.privateJwk)))).toBe('accepted');
      expect(failures).toEqual(['answered 503']);
    } finally {
      status = 200;
    }
    // Reachable again, and the key really is not published: now it is unknown.
    expect(await codeOf(verifier.authenticate(bearer(second.privateJwk)))).toBe('ACCESS_TOKEN_KEY_UNKNOWN');
  });

  it('holds "unavailable" through the interval after a failed fetch, and says when to come back', async () => {
    published = [first.publicJwk];
    const keys = new RemoteJsonWebKeySet(url, { minRefreshIntervalMs: 60_000 });
    const verifier = new AccessTokenVerifier(keys);
    status = 503;
    try {
      const refused = await verifier.authenticate(bearer(first.privateJwk)).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'ACCESS_TOKEN_KEYS_UNAVAILABLE' });
      expect((refused as AccessTokenKeysUnavailableError).retryAfterSeconds).toBeGreaterThan(50);
    } finally {
      status = 200;
    }
    // Within the interval no second fetch is made: still unavailable, whatever the provider now says.
    expect(await codeOf(verifier.authenticate(bearer(first.privateJwk)))).toBe('ACCESS_TOKEN_KEYS_UNAVAILABLE');
    expect(keys.fetches).toBe(1);
  });
});
