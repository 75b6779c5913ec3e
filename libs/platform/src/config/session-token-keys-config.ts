import { z } from 'zod';
import { isDevelopmentKey } from './development-keys';
import { sessionTokenSecretVar } from './env-config';

const MAX_KEY_ID = 0xffff;
const MAX_PREVIOUS_KEYS = 16;
const keyIdVar = z.coerce.number().int().min(0).max(MAX_KEY_ID);

const previousKeySchema = z
  .object({
    id: z.number().int().min(0).max(MAX_KEY_ID),
    secret: sessionTokenSecretVar,
    until: z.string().datetime({ offset: true, message: 'must be an ISO 8601 instant such as 2026-12-01T00:00:00Z' }),
  })
  .strict();

/**
 * The keys of read-your-writes tokens: the current secret and its id, which sign every new
 * token, and the keys of earlier rotations, each accepted until its `until` so that tokens
 * already out survive a rotation. Both services must hold the same set.
 */
export const sessionTokenKeyVars = {
  SESSION_TOKEN_SECRET: sessionTokenSecretVar,
  SESSION_TOKEN_KEY_ID: keyIdVar.default(0),
  SESSION_TOKEN_PREVIOUS_KEYS: z
    .preprocess((value) => (value === '' ? undefined : value), z.string().optional())
    .transform((text, ctx): unknown => {
      if (text === undefined) return [];
      try {
        return JSON.parse(text);
      } catch {
        // JSON.parse's own message quotes the input, and the input holds secrets.
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON array of {"id","secret","until"}' });
        return z.NEVER;
      }
    })
    .pipe(z.array(previousKeySchema).max(MAX_PREVIOUS_KEYS)),
};

interface SessionTokenKeyEnv {
  CONVERGE_ENV: 'development' | 'production';
  SESSION_TOKEN_SECRET: string;
  SESSION_TOKEN_KEY_ID: number;
  SESSION_TOKEN_PREVIOUS_KEYS: ReadonlyArray<{ id: number; secret: string; until: string }>;
}

/** One id, one key; and a public development key is no more acceptable as a previous key than as the current one. */
export function refuseUnsafeSessionTokenKeys(env: SessionTokenKeyEnv, ctx: z.RefinementCtx): void {
  // Refinements still run after a value was refused as not JSON, with no list to check.
  if (!Array.isArray(env.SESSION_TOKEN_PREVIOUS_KEYS)) return;
  const seen = new Set([env.SESSION_TOKEN_KEY_ID]);
  env.SESSION_TOKEN_PREVIOUS_KEYS.forEach((key, index) => {
    if (seen.has(key.id)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['SESSION_TOKEN_PREVIOUS_KEYS', index, 'id'],
        message: `is ${key.id}, already the id of SESSION_TOKEN_KEY_ID or of another previous key`,
      });
    }
    seen.add(key.id);
    if (env.CONVERGE_ENV !== 'development' && isDevelopmentKey(key.secret)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['SESSION_TOKEN_PREVIOUS_KEYS', index, 'secret'],
        message:
          'is the public development key of infra/local-secrets.json: set a secret of your own, or CONVERGE_ENV=development',
      });
    }
  });
}

export interface SessionTokenKeys {
  secret: string;
  keyId: number;
  previousKeys: Array<{ id: number; secret: string; until: Date }>;
}

export function sessionTokenKeysOf(env: SessionTokenKeyEnv): SessionTokenKeys {
  return {
    secret: env.SESSION_TOKEN_SECRET,
    keyId: env.SESSION_TOKEN_KEY_ID,
    previousKeys: env.SESSION_TOKEN_PREVIOUS_KEYS.map((key) => ({ ...key, until: new Date(key.until) })),
  };
}
