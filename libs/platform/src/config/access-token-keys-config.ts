import { z } from 'zod';

/** docker-compose passes an unset host variable as "": that means "not given", not a value. */
const unsetWhenEmpty = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

/**
 * Where a service finds the keys of the callers' access tokens: one HS256 secret it shares with
 * the issuer (development), or the issuer's public keys (RS256/ES256) as a JWKS file or URL, with
 * which it can verify tokens but never mint one.
 */
export const accessTokenKeyVars = {
  AUTH_JWT_SECRET: unsetWhenEmpty(
    z
      .string()
      .refine((value) => Buffer.byteLength(value, 'utf8') >= 32, { message: 'must be at least 32 bytes' })
      .optional(),
  ),
  AUTH_JWKS_FILE: unsetWhenEmpty(z.string().min(1).max(1000).optional()),
  AUTH_JWKS_URL: unsetWhenEmpty(
    z
      .string()
      .url()
      .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http(s) URL' })
      .optional(),
  ),
  /** A token of a kid not known yet fetches the set again, at most once per this interval. */
  AUTH_JWKS_MIN_REFRESH_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
};

export type AccessTokenKeySource =
  | { kind: 'secret'; secret: string }
  | { kind: 'jwks-file'; path: string }
  | { kind: 'jwks-url'; url: string; minRefreshIntervalMs: number };

interface AccessTokenKeyEnv {
  AUTH_JWT_SECRET?: string;
  AUTH_JWKS_FILE?: string;
  AUTH_JWKS_URL?: string;
  AUTH_JWKS_MIN_REFRESH_MS: number;
}

/** Exactly one source: two would leave unclear which tokens a service accepts. */
export function requireOneAccessTokenKeySource(
  env: Omit<AccessTokenKeyEnv, 'AUTH_JWKS_MIN_REFRESH_MS'>,
  ctx: z.RefinementCtx,
): void {
  const given = (['AUTH_JWT_SECRET', 'AUTH_JWKS_FILE', 'AUTH_JWKS_URL'] as const).filter((name) => env[name]);
  if (given.length === 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['AUTH_JWT_SECRET'],
      message: 'is required (at least 32 bytes), unless AUTH_JWKS_FILE or AUTH_JWKS_URL gives the public keys',
    });
  }
  if (given.length > 1) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [given[1]],
      message: `cannot be set with ${given[0]}: give one source of access token keys`,
    });
  }
}

export function accessTokenKeysOf(env: AccessTokenKeyEnv): AccessTokenKeySource {
  if (env.AUTH_JWKS_FILE) return { kind: 'jwks-file', path: env.AUTH_JWKS_FILE };
  if (env.AUTH_JWKS_URL) {
    return { kind: 'jwks-url', url: env.AUTH_JWKS_URL, minRefreshIntervalMs: env.AUTH_JWKS_MIN_REFRESH_MS };
  }
  return { kind: 'secret', secret: env.AUTH_JWT_SECRET as string };
}
