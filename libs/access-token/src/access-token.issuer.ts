import { createSecretKey, type KeyObject } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { ACCESS_TOKEN_ALGORITHM, type AccessTokenPolicy, DEFAULT_ACCESS_TOKEN_POLICY } from './access-token.verifier';
import { ownerSchema } from './principal';

/** An hour: long enough for a session at the terminal, short enough to leak little. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;

/**
 * Signs access tokens the services accept. The services themselves never issue any: this is for
 * `npm run token`, the tests and the benchmark, standing in for an identity provider.
 */
export class AccessTokenIssuer {
  private readonly key: KeyObject;
  private readonly policy: Pick<AccessTokenPolicy, 'issuer' | 'audience'>;

  constructor(secret: string, policy: Partial<Pick<AccessTokenPolicy, 'issuer' | 'audience'>> = {}) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
    this.policy = { ...DEFAULT_ACCESS_TOKEN_POLICY, ...policy };
  }

  issue(owner: string, ttlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS, scopes: readonly string[] = []): string {
    const claims = { sub: ownerSchema.parse(owner), ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) };
    return sign(claims, this.key, {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      expiresIn: ttlSeconds,
      issuer: this.policy.issuer,
      audience: this.policy.audience,
    });
  }
}
