import { TokenExpiredError, verify } from 'jsonwebtoken';
import { AccessTokenError, AccessTokenKeysUnavailableError } from './access-token.errors';
import { type AccessTokenKeys, SecretAccessTokenKey, type VerificationKey } from './access-token.keys';
import { ownerSchema, type Principal } from './principal';

/** What a shared secret signs with. Each key allows one algorithm only: no `none`, no confusing a public key for a secret. */
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
 * Verifies `Authorization: Bearer <JWT>`: signed by the key its `kid` names (HS256 with the shared
 * secret for a token without one; RS256 or ES256 with a JWKS key), the policy's `iss` and
 * `aud`, an `iat` and an `exp` that has not passed and lies within the policy's lifetime of it,
 * and a `sub` that is a valid owner. A plain class, so tests use it without Nest.
 */
export class AccessTokenVerifier {
  private readonly keys: AccessTokenKeys;
  private readonly policy: AccessTokenPolicy;

  /** A string is the HS256 secret. */
  constructor(keys: string | AccessTokenKeys, policy: Partial<AccessTokenPolicy> = {}) {
    this.keys = typeof keys === 'string' ? new SecretAccessTokenKey(keys) : keys;
    this.policy = { ...DEFAULT_ACCESS_TOKEN_POLICY, ...policy };
  }

  /** As verify(), but a kid not known yet first loads the key set again, if it can change (a key rotated in). */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    try {
      return this.verify(authorization);
    } catch (error) {
      if (!(error instanceof AccessTokenError) || error.problem !== 'unknown-key') throw error;
      if (await this.keys.refresh()) return this.verify(authorization);
      const unavailable = this.keys.unavailable?.();
      if (unavailable) throw new AccessTokenKeysUnavailableError(unavailable.retryAfterSeconds);
      throw error;
    }
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
    const key = this.keyOf(token);
    try {
      const claims = verify(token, key.key, {
        algorithms: [key.algorithm],
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

  private keyOf(token: string): VerificationKey {
    const kid = kidOf(token);
    const key = this.keys.keyFor(kid);
    if (key === undefined) throw new AccessTokenError(kid === undefined ? 'invalid' : 'unknown-key');
    return key;
  }
}

/** The header's `kid`, read before any key is chosen; the signature check later covers the header too. */
function kidOf(token: string): string | undefined {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
  } catch {
    throw new AccessTokenError('invalid');
  }
  if (typeof header !== 'object' || header === null) throw new AccessTokenError('invalid');
  const { kid } = header as { kid?: unknown };
  if (kid === undefined) return undefined;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 128) throw new AccessTokenError('invalid');
  return kid;
}
