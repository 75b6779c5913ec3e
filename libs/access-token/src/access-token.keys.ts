import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** HS256 for the shared development secret; RS256 and ES256 for keys a service can verify with but not sign. */
export type AccessTokenAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface VerificationKey {
  key: KeyObject;
  algorithm: AccessTokenAlgorithm;
}

/** Where a verifier finds the key of a token, by the `kid` of its header. */
export interface AccessTokenKeys {
  /** undefined: no key of that id (or, for a secret, a token that names one). */
  keyFor(kid: string | undefined): VerificationKey | undefined;
  /** Loads the set again if it can change; resolves whether it did. */
  refresh(): Promise<boolean>;
  /** For a set fetched from elsewhere: when to try again, while its last fetch failed; else undefined. */
  unavailable?(): { retryAfterSeconds: number } | undefined;
}

/** One HS256 secret, for tokens without a `kid`: development, and the tests. */
export class SecretAccessTokenKey implements AccessTokenKeys {
  private readonly key: VerificationKey;

  constructor(secret: string) {
    // Made once: given a string, jsonwebtoken derives a key object per call, at ~70× the cost of the check.
    this.key = { key: createSecretKey(Buffer.from(secret, 'utf8')), algorithm: 'HS256' };
  }

  keyFor(kid: string | undefined): VerificationKey | undefined {
    return kid === undefined ? this.key : undefined;
  }

  refresh(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** Thrown while loading a JWKS that holds no key a token could be verified with. */
export class InvalidJsonWebKeySetError extends Error {
  readonly code = 'JWKS_INVALID';
  readonly retriable = false;
}

/**
 * The public keys of a JSON Web Key Set (RFC 7517), by `kid`. Keys that are not RSA or P-256
 * signing keys, or carry no `kid`, are skipped: an identity provider's set may hold others. A
 * private key given by mistake is refused, so a verifier never holds what could sign.
 */
export function readJsonWebKeySet(text: string): Map<string, VerificationKey> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidJsonWebKeySetError('the JWKS is not JSON');
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new InvalidJsonWebKeySetError('the JWKS has no "keys" array');
  const set = new Map<string, VerificationKey>();
  for (const jwk of keys as JsonWebKey[]) {
    const usable = verificationKeyOf(jwk);
    if (usable) set.set(jwk.kid as string, usable);
  }
  if (set.size === 0) throw new InvalidJsonWebKeySetError('the JWKS holds no RS256 or ES256 signing key with a kid');
  return set;
}

function verificationKeyOf(jwk: JsonWebKey): VerificationKey | undefined {
  if (typeof jwk?.kid !== 'string' || jwk.kid === '' || (jwk.use !== undefined && jwk.use !== 'sig')) return undefined;
  if (jwk.d !== undefined) throw new InvalidJsonWebKeySetError(`the JWKS key ${jwk.kid} is a private key`);
  const algorithm = algorithmOf(jwk);
  if (algorithm === undefined) return undefined;
  try {
    return { key: createPublicKey({ key: jwk, format: 'jwk' }), algorithm };
  } catch {
    throw new InvalidJsonWebKeySetError(`the JWKS key ${jwk.kid} is not a valid ${algorithm} key`);
  }
}

/** From the key's own `alg` when given, else its type; a token must then use exactly that algorithm. */
export function algorithmOf(jwk: JsonWebKey): 'RS256' | 'ES256' | undefined {
  const byType = jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : undefined;
  if (byType === undefined) return undefined;
  return jwk.alg === undefined || jwk.alg === byType ? byType : undefined;
}

/** A JWKS read from a file once, at start-up: rotating means deploying the new set. */
export class FileJsonWebKeySet implements AccessTokenKeys {
  private readonly keys: Map<string, VerificationKey>;

  constructor(path: string) {
    this.keys = readJsonWebKeySet(readFileSync(path, 'utf8'));
  }

  keyFor(kid: string | undefined): VerificationKey | undefined {
    return kid === undefined ? undefined : this.keys.get(kid);
  }

  refresh(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
