import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { convergeEnvVar, isDevelopmentKey, refuseDevelopmentKeys } from './development-keys';

const local = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'infra', 'local-secrets.json'), 'utf8'),
) as Record<string, string>;

const schema = z
  .object({ CONVERGE_ENV: convergeEnvVar, SESSION_TOKEN_SECRET: z.string(), AUTH_JWT_SECRET: z.string() })
  .superRefine((env, ctx) => refuseDevelopmentKeys(env, ctx, ['SESSION_TOKEN_SECRET', 'AUTH_JWT_SECRET']));

describe('the public development keys', () => {
  it('are every key of infra/local-secrets.json, and nothing else', () => {
    for (const value of Object.values(local)) expect(isDevelopmentKey(value)).toBe(true);
    expect(isDevelopmentKey('x'.repeat(32))).toBe(false);
  });

  it('are refused outside development, naming each variable, and production is the default', () => {
    const result = schema.safeParse({ ...local, SESSION_TOKEN_SECRET: 'a-secret-of-my-own-0123456789abcdef' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['AUTH_JWT_SECRET']);
    expect(schema.safeParse({ ...local, CONVERGE_ENV: 'production' }).error?.issues).toHaveLength(2);
  });

  it('are accepted in development only when it is said', () => {
    expect(schema.safeParse({ ...local, CONVERGE_ENV: 'development' }).success).toBe(true);
    expect(schema.safeParse({ ...local, CONVERGE_ENV: 'dev' }).success).toBe(false);
  });
});
