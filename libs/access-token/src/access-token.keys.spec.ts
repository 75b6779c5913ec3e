import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { AccessTokenError } from './access-token.errors';
import { AccessTokenIssuer } from './access-token.issuer';
import { FileJsonWebKeySet, InvalidJsonWebKeySetError, readJsonWebKeySet } from './access-token.keys';
import { AccessTokenVerifier } from './access-token.verifier';
import { generateSigningKeyPair as keyPair } from './signing-key-pair';

const rsa = keyPair('rsa', 'rsa-1');
const ec = keyPair('ec', 'ec-1');
const stranger = keyPair('ec', 'ec-1');

function jwksFile(keys: JsonWebKey[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'jwks.json');
  writeFileSync(path, JSON.stringify({ keys }));
  return path;
}

const verifier = new AccessTokenVerifier(new FileJsonWebKeySet(jwksFile([rsa.publicJwk, ec.publicJwk])));

function problemOf(token: string, by = verifier): string {
  try {
    by.verify(`Bearer ${token}`);
  } catch (error) {
    if (error instanceof AccessTokenError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('access tokens verified with a JWKS', () => {
  it('accepts RS256 and ES256 tokens, each by the key its kid names', () => {
    expect(verifier.verify(`Bearer ${new AccessTokenIssuer(rsa.privateJwk).issue('alice')}`).owner).toBe('alice');
    expect(verifier.verify(`Bearer ${new AccessTokenIssuer(ec.privateJwk).issue('bob')}`).owner).toBe('bob');
  });

  it('answers a kid it does not know with ACCESS_TOKEN_KEY_UNKNOWN', () => {
    const unknown = keyPair('ec', 'ec-2');
    expect(problemOf(new AccessTokenIssuer(unknown.privateJwk).issue('alice'))).toBe('ACCESS_TOKEN_KEY_UNKNOWN');
  });

  it.each([
    ['signed by another key under a known kid', () => new AccessTokenIssuer(stranger.privateJwk).issue('alice')],
    [
      'without a kid',
      () =>
        sign(
          { sub: 'alice', iss: 'converge', aud: 'converge' },
          createPrivateKey({ key: rsa.privateJwk, format: 'jwk' }),
          {
            algorithm: 'RS256',
            expiresIn: 60,
          },
        ),
    ],
    ['signed with the shared-secret algorithm', () => new AccessTokenIssuer('x'.repeat(32)).issue('alice')],
    [
      'signed HS256 with the public key as its secret',
      () =>
        sign({ sub: 'alice', iss: 'converge', aud: 'converge' }, JSON.stringify(rsa.publicJwk), {
          algorithm: 'HS256',
          keyid: 'rsa-1',
          expiresIn: 60,
        }),
    ],
    [
      'signed ES256 under the kid of an RSA key',
      () => new AccessTokenIssuer({ ...ec.privateJwk, kid: 'rsa-1' }).issue('alice'),
    ],
  ])('refuses a token %s', (_, token) => {
    expect(problemOf(token())).toMatch(/^ACCESS_TOKEN_(INVALID|KEY_UNKNOWN)$/);
    expect(problemOf(token())).not.toBe('accepted');
  });

  it('refuses a token with a kid when it knows only the shared secret', () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!';
    const token = sign({ sub: 'alice', iss: 'converge', aud: 'converge' }, secret, {
      algorithm: 'HS256',
      keyid: 'k1',
      expiresIn: 60,
    });
    expect(problemOf(token, new AccessTokenVerifier(secret))).toBe('ACCESS_TOKEN_KEY_UNKNOWN');
  });
});

describe('reading a JWKS', () => {
  it('skips keys it cannot verify with, and keeps the others', () => {
    const keys = readJsonWebKeySet(
      JSON.stringify({
        keys: [
          { ...rsa.publicJwk, kid: undefined },
          { ...rsa.publicJwk, kid: 'enc', use: 'enc' },
          { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' },
          { ...ec.publicJwk, kid: 'ec-rs', alg: 'RS256' },
          ec.publicJwk,
        ],
      }),
    );
    expect([...keys.keys()]).toEqual(['ec-1']);
  });

  it.each([
    ['not JSON', 'nope'],
    ['without keys', '{}'],
    ['without a usable key', JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'oct' }] })],
    ['holding a private key', JSON.stringify({ keys: [rsa.privateJwk] })],
    ['holding a broken key', JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', kid: 'x', x: 'AQ', y: 'AQ' }] })],
  ])('refuses one %s', (_, text) => {
    expect(() => readJsonWebKeySet(text)).toThrow(InvalidJsonWebKeySetError);
  });
});
