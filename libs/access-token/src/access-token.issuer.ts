import { createPrivateKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { type AccessTokenAlgorithm, algorithmOf } from './access-token.keys';
import { ACCESS_TOKEN_ALGORITHM, type AccessTokenPolicy, DEFAULT_ACCESS_TOKEN_POLICY } from './access-token.verifier';
import { ownerSchema } from './principal';

/** An hour: long enough for a session at the terminal, short enough to leak little. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;

interface SigningKey {
  key: KeyObject;
  algorithm: AccessTokenAlgorithm;
  kid?: string;
}

/**
 * Signs access tokens the services accept. The services themselves never issue any: this is for
 * `npm run token`, the tests and the benchmark, standing in for an identity provider. A string is
 * the HS256 secret; a private JWK (RSA or P-256, with its `kid`) signs RS256 or ES256 and names its kid.
 */
export class AccessTokenIssuer {
  private readonly signing: SigningKey;
  private readonly policy: Pick<AccessTokenPolicy, 'issuer' | 'audience'>;

  constructor(key: string | JsonWebKey, policy: Partial<Pick<AccessTokenPolicy, 'issuer' | 'audience'>> = {}) {
    this.signing =
      typeof key === 'string'
        ? { key: createSecretKey(Buffer.from(key, 'utf8')), algorithm: ACCESS_TOKEN_ALGORITHM }
        : signingKeyOf(key);
    this.policy = { ...DEFAULT_ACCESS_TOKEN_POLICY, ...policy };
  }

  issue(owner: string, ttlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS, scopes: readonly string[] = []): string {
    const claims = { sub: ownerSchema.parse(owner), ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) };
    return sign(claims, this.signing.key, {
      algorithm: this.signing.algorithm,
      expiresIn: ttlSeconds,
      issuer: this.policy.issuer,
      audience: this.policy.audience,
      ...(this.signing.kid === undefined ? {} : { keyid: this.signing.kid }),
    });
  }
}

function signingKeyOf(jwk: JsonWebKey): SigningKey {
  const algorithm = algorithmOf(jwk);
  if (algorithm === undefined || typeof jwk.kid !== 'string' || jwk.d === undefined) {
    throw new RangeError('the signing key must be a private RSA or P-256 JWK with a kid');
  }
  return { key: createPrivateKey({ key: jwk, format: 'jwk' }), algorithm, kid: jwk.kid };
}
