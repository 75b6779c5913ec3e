import { parseEnv } from '@converge/platform';
import { cartQueryEnv } from './cart-query.config';

const SESSION_TOKEN_SECRET = 'a-session-secret-of-at-least-32-bytes';
const JWKS = { SESSION_TOKEN_SECRET, AUTH_JWKS_URL: 'https://idp.example/jwks.json' };

describe('Cart-Query configuration of its repair credentials', () => {
  it('signs its own token with the shared secret', () => {
    const config = parseEnv(cartQueryEnv, { SESSION_TOKEN_SECRET, AUTH_JWT_SECRET: 'x'.repeat(32) });
    expect(config.repair.credentials).toEqual({ kind: 'signing-key', secret: 'x'.repeat(32) });
  });

  it('needs REPAIR_ACCESS_TOKEN when it holds only public keys, and sends it as given', () => {
    expect(() => parseEnv(cartQueryEnv, JWKS)).toThrow(/REPAIR_ACCESS_TOKEN is required with AUTH_JWKS_FILE/);
    const config = parseEnv(cartQueryEnv, { ...JWKS, REPAIR_ACCESS_TOKEN: 'a.b.c' });
    expect(config.repair.credentials).toEqual({ kind: 'token', token: 'a.b.c' });
    expect(config.accessTokenKeys).toEqual({
      kind: 'jwks-url',
      url: 'https://idp.example/jwks.json',
      minRefreshIntervalMs: 60_000,
    });
  });
});

describe('Cart-Query configuration of its session token keys', () => {
  it('reads the current key id and the previous keys, as Cart does', () => {
    const previous = [{ id: 0, secret: 'y'.repeat(32), until: '2026-12-01T00:00:00Z' }];
    const config = parseEnv(cartQueryEnv, {
      SESSION_TOKEN_SECRET,
      AUTH_JWT_SECRET: 'x'.repeat(32),
      SESSION_TOKEN_KEY_ID: '1',
      SESSION_TOKEN_PREVIOUS_KEYS: JSON.stringify(previous),
    });
    expect(config.sessionTokenKeys).toEqual({
      secret: SESSION_TOKEN_SECRET,
      keyId: 1,
      previousKeys: [{ id: 0, secret: 'y'.repeat(32), until: new Date('2026-12-01T00:00:00Z') }],
    });
  });
});

describe('Cart-Query configuration of its metrics port', () => {
  const base = { SESSION_TOKEN_SECRET, AUTH_JWT_SECRET: 'x'.repeat(32) };

  it('refuses a METRICS_PORT equal to CART_QUERY_PORT, naming both', () => {
    expect(() => parseEnv(cartQueryEnv, { ...base, CART_QUERY_PORT: '3101', METRICS_PORT: '3101' })).toThrow(
      /METRICS_PORT must differ from CART_QUERY_PORT \(3101\)/,
    );
  });

  it('takes a port of its own, or none', () => {
    expect(parseEnv(cartQueryEnv, { ...base, METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(parseEnv(cartQueryEnv, base).metricsPort).toBeUndefined();
  });
});
