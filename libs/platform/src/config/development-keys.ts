import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Where a service runs. Only `development` accepts the public development keys of
 * infra/local-secrets.json; `npm start`, the tests and docker-compose's development file say so
 * explicitly, and anything else is taken for production.
 */
export const convergeEnvVar = z.enum(['development', 'production']).default('production');

/** sha256 of the keys in infra/local-secrets.json (a test holds them equal), so the keys are not repeated here. */
const DEVELOPMENT_KEY_DIGESTS = new Set([
  'c529cd0ee5560a6e67ab6bb7ce3343c91d3243bebcdb22afdf0783825fdb1579',
  '038cbf5e15f5e5c74dc28816e283c9507cbb6c9ca37aff6e381263708d0451e5',
]);

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

export function isDevelopmentKey(value: string | undefined): boolean {
  return value !== undefined && DEVELOPMENT_KEY_DIGESTS.has(sha256(value));
}

/**
 * Refuses, naming the variable, a public development key outside development: a service given
 * one would accept tokens anybody can sign.
 */
export function refuseDevelopmentKeys(
  env: { CONVERGE_ENV: 'development' | 'production' } & Record<string, unknown>,
  ctx: z.RefinementCtx,
  names: readonly string[],
): void {
  if (env.CONVERGE_ENV === 'development') return;
  for (const name of names) {
    if (isDevelopmentKey(env[name] as string | undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [name],
        message:
          'is the public development key of infra/local-secrets.json: set a secret of your own, or CONVERGE_ENV=development',
      });
    }
  }
}
