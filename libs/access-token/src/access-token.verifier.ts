import { createSecretKey, type KeyObject } from 'node:crypto';
import { TokenExpiredError, verify } from 'jsonwebtoken';
import { AccessTokenError } from './access-token.errors';
import { ownerSchema, type Principal } from './principal';

/** HS256 and nothing else: no `none`, no algorithm confusion with a public key. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
/** Far above any real token; longer headers are refused before any decoding or hashing. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;
/** Clocks of the issuer and the services disagree a little; tolerate that much. */
const CLOCK_TOLERANCE_SECONDS = 5;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

interface Claims {
  sub?: unknown;
  exp?: unknown;
  iat?: unknown;
  scope?: unknown;
}

/** Whose tokens, for whom, and how long one may live: a token signed for another service, or for a year, is refused. */
export interface AccessTokenPolicy {
  issuer: string;
  audience: string;
  maxLifetimeSeconds: number;
}

export const DEFAULT_ACCESS_TOKEN_POLICY: AccessTokenPolicy = {
  issuer: 'converge',
  audience: 'converge',
  maxLifetimeSeconds: 24 * 3600,
};

/**
 * Verifies `Authorization: Bearer <JWT>`: HS256 with the shared secret, the policy's `iss` and
 * `aud`, an `iat` and an `exp` that has not passed and lies within the policy's lifetime of it,
 * and a `sub` that is a valid owner. A plain class, so tests use it without Nest.
 */
export class AccessTokenVerifier {
  /** A key object made once: given a string, jsonwebtoken derives one per call, at ~70× the cost of the check. */
  private readonly key: KeyObject;
  private readonly policy: AccessTokenPolicy;

  constructor(secret: string, policy: Partial<AccessTokenPolicy> = {}) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
    this.policy = { ...DEFAULT_ACCESS_TOKEN_POLICY, ...policy };
  }

  /** The header's value as received; the guard has already refused a repeated header. */
  verify(authorization: string | undefined): Principal {
    if (authorization === undefined || authorization === '') throw new AccessTokenError('missing');
    if (authorization.length > MAX_ACCESS_TOKEN_LENGTH) throw new AccessTokenError('malformed');
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new AccessTokenError('malformed');
    const claims = this.claims(token);
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') throw new AccessTokenError('invalid');
    if (claims.exp - claims.iat > this.policy.maxLifetimeSeconds) throw new AccessTokenError('invalid');
    const owner = ownerSchema.safeParse(claims.sub);
    if (!owner.success) throw new AccessTokenError('invalid');
    if (claims.scope !== undefined && typeof claims.scope !== 'string') throw new AccessTokenError('invalid');
    return { owner: owner.data, scopes: claims.scope?.split(' ').filter(Boolean) ?? [] };
  }

  private claims(token: string): Claims {
    try {
      const claims = verify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        issuer: this.policy.issuer,
        audience: this.policy.audience,
      });
      // A JWT's payload may be any JSON; only an object carries claims.
      return typeof claims === 'object' ? (claims as Claims) : {};
    } catch (error) {
      throw new AccessTokenError(error instanceof TokenExpiredError ? 'expired' : 'invalid');
    }
  }
}
