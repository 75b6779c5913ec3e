import { createHmac } from 'node:crypto';
import { AccessTokenError } from './access-token.errors';
import { AccessTokenIssuer } from './access-token.issuer';
import { AccessTokenVerifier, MAX_ACCESS_TOKEN_LENGTH } from './access-token.verifier';

const SECRET = 'an-access-token-secret-of-at-least-32-bytes';
const verifier = new AccessTokenVerifier(SECRET);
const issuer = new AccessTokenIssuer(SECRET);

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed by hand, to build what a well-behaved issuer never would. */
function signed(header: Record<string, unknown>, claims: Record<string, unknown>, secret = SECRET): string {
  const body = `${base64url(header)}.${base64url(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

function problemOf(authorization: string | undefined): string {
  try {
    verifier.verify(authorization);
  } catch (error) {
    if (error instanceof AccessTokenError) return `${error.code}/${error.problem}`;
    throw error;
  }
  return 'accepted';
}

describe('AccessTokenVerifier', () => {
  it('accepts an issued token and names its subject the owner', () => {
    expect(verifier.verify(`Bearer ${issuer.issue('alice')}`)).toEqual({ owner: 'alice', scopes: [] });
    expect(verifier.verify(`bearer ${issuer.issue('bob@example.com')}`)).toEqual({
      owner: 'bob@example.com',
      scopes: [],
    });
  });

  it('reads the space-delimited scope claim', () => {
    const token = issuer.issue('ops', 60, ['converge:operate', 'other']);
    expect(verifier.verify(`Bearer ${token}`)).toEqual({ owner: 'ops', scopes: ['converge:operate', 'other'] });
  });

  it('answers a missing header as missing, with a challenge that names no error', () => {
    expect(problemOf(undefined)).toBe('ACCESS_TOKEN_MISSING/missing');
    expect(problemOf('')).toBe('ACCESS_TOKEN_MISSING/missing');
    expect(new AccessTokenError('missing').challenge).toBe('Bearer realm="converge"');
    expect(new AccessTokenError('invalid').challenge).toContain('error="invalid_token"');
  });

  it.each([
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['no token', 'Bearer '],
    ['two spaces', `Bearer  ${issuer.issue('alice')}`],
    ['two tokens in one header', `Bearer ${issuer.issue('alice')}, Bearer ${issuer.issue('alice')}`],
    ['two parts', 'Bearer abc.def'],
    ['an overlong header', `Bearer ${'a'.repeat(MAX_ACCESS_TOKEN_LENGTH)}.b.c`],
  ])('refuses %s as malformed', (_, header) => {
    expect(problemOf(header)).toBe('ACCESS_TOKEN_INVALID/malformed');
  });

  it('takes the issuer, audience and longest lifetime it is configured with', () => {
    const strict = new AccessTokenVerifier(SECRET, { issuer: 'idp', audience: 'cart', maxLifetimeSeconds: 600 });
    const token = new AccessTokenIssuer(SECRET, { issuer: 'idp', audience: 'cart' });
    expect(strict.verify(`Bearer ${token.issue('alice', 600)}`)).toEqual({ owner: 'alice', scopes: [] });
    expect(() => strict.verify(`Bearer ${token.issue('alice', 601)}`)).toThrow(AccessTokenError);
    expect(() => strict.verify(`Bearer ${issuer.issue('alice', 60)}`)).toThrow(AccessTokenError);
  });

  it('refuses an expired token as expired, and tolerates only a few seconds of clock skew', () => {
    expect(problemOf(`Bearer ${issuer.issue('alice', -60)}`)).toBe('ACCESS_TOKEN_EXPIRED/expired');
    expect(problemOf(`Bearer ${issuer.issue('alice', -2)}`)).toBe('accepted');
  });

  it.each([
    ['signed with another secret', () => new AccessTokenIssuer(`${SECRET}-but-another`).issue('alice')],
    [
      'unsigned (alg none)',
      () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'a', exp: inAnHour() })}.`,
    ],
    [
      'signed with HS512',
      () => {
        const body = `${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url({ sub: 'alice', exp: inAnHour() })}`;
        return `${body}.${createHmac('sha512', SECRET).update(body).digest('base64url')}`;
      },
    ],
    ['without exp', () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice' })],
    ['without sub', () => signed({ alg: 'HS256', typ: 'JWT' }, { exp: inAnHour() })],
    ['with a numeric sub', () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 42, exp: inAnHour() })],
    ['with an empty sub', () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: '', exp: inAnHour() })],
    [
      'with a sub of control characters',
      () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'a\u0000b', exp: inAnHour() }),
    ],
    [
      'with a scope that is not a string',
      () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'a', exp: inAnHour(), scope: ['x'] }),
    ],
    ['with an overlong sub', () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'a'.repeat(129), exp: inAnHour() })],
    ['not yet valid', () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', exp: inAnHour(), nbf: inAnHour() })],
    ['for another audience', () => new AccessTokenIssuer(SECRET, { audience: 'billing' }).issue('alice')],
    ['from another issuer', () => new AccessTokenIssuer(SECRET, { issuer: 'elsewhere' }).issue('alice')],
    ['living longer than a day', () => issuer.issue('alice', 24 * 3600 + 60)],
    [
      'without iat',
      () => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', exp: inAnHour(), iss: 'converge', aud: 'converge' }),
    ],
    [
      'with a tampered payload',
      () => {
        const [header, , signature] = issuer.issue('alice').split('.');
        return `${header}.${base64url({ sub: 'mallory', exp: inAnHour() })}.${signature}`;
      },
    ],
  ])('refuses a token %s as invalid', (_, token) => {
    expect(problemOf(`Bearer ${token()}`)).toMatch(/^ACCESS_TOKEN_INVALID\//);
  });

  it('never puts the token or the secret in its error messages', () => {
    const token = new AccessTokenIssuer(`${SECRET}-but-another`).issue('alice');
    try {
      verifier.verify(`Bearer ${token}`);
      throw new Error('accepted');
    } catch (error) {
      const text = `${(error as Error).message} ${(error as Error).stack ?? ''}`;
      expect(text).not.toContain(token.split('.')[1]);
      expect(text).not.toContain(SECRET);
    }
  });

  it('refuses to issue a token for an invalid owner', () => {
    expect(() => issuer.issue(' alice')).toThrow();
    expect(() => issuer.issue('')).toThrow();
  });
});
