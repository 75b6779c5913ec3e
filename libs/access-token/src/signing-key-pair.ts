import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';

export interface SigningKeyPair {
  /** For the issuer alone (`npm run token -- --jwk`), never for a service. */
  privateJwk: JsonWebKey;
  /** The entry of the services' JWKS. */
  publicJwk: JsonWebKey;
}

/** A new RS256 (rsa) or ES256 (ec, P-256) key pair under `kid`: for the tests, and for people trying a JWKS. */
export function generateSigningKeyPair(kind: 'rsa' | 'ec', kid: string): SigningKeyPair {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = kind === 'rsa' ? 'RS256' : 'ES256';
  return {
    privateJwk: { ...pair.privateKey.export({ format: 'jwk' }), kid, alg },
    publicJwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
  };
}
