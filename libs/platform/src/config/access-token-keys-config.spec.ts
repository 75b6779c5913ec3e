import { z } from 'zod';
import { accessTokenKeysOf, accessTokenKeyVars, requireOneAccessTokenKeySource } from './access-token-keys-config';
import { parseEnv } from './env-config';

const schema = z
  .object(accessTokenKeyVars)
  .superRefine(requireOneAccessTokenKeySource)
  .transform((env) => accessTokenKeysOf(env));
const SECRET = 'a-secret-of-at-least-thirty-two-bytes';

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(schema, env);
    return [];
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
}

describe('access token key variables', () => {
  it('take one source: a secret, a JWKS file or a JWKS URL', () => {
    expect(parseEnv(schema, { AUTH_JWT_SECRET: SECRET })).toEqual({ kind: 'secret', secret: SECRET });
    expect(parseEnv(schema, { AUTH_JWKS_FILE: '/keys/jwks.json' })).toEqual({
      kind: 'jwks-file',
      path: '/keys/jwks.json',
    });
    expect(parseEnv(schema, { AUTH_JWKS_URL: 'https://idp.example/jwks.json', AUTH_JWT_SECRET: '' })).toEqual({
      kind: 'jwks-url',
      url: 'https://idp.example/jwks.json',
      minRefreshIntervalMs: 60_000,
    });
  });

  it('require one, naming AUTH_JWT_SECRET and the alternatives', () => {
    expect(problems({})).toEqual([
      'AUTH_JWT_SECRET is required (at least 32 bytes), unless AUTH_JWKS_FILE or AUTH_JWKS_URL gives the public keys',
    ]);
  });

  it.each([
    [
      { AUTH_JWT_SECRET: SECRET, AUTH_JWKS_FILE: '/keys/jwks.json' },
      'AUTH_JWKS_FILE cannot be set with AUTH_JWT_SECRET',
    ],
    [
      { AUTH_JWKS_FILE: '/k', AUTH_JWKS_URL: 'https://idp.example/jwks' },
      'AUTH_JWKS_URL cannot be set with AUTH_JWKS_FILE',
    ],
    [{ AUTH_JWKS_URL: 'ftp://idp.example/jwks' }, 'AUTH_JWKS_URL must be an http(s) URL'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32 bytes'],
    [{ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_JWKS_MIN_REFRESH_MS: '10' }, 'AUTH_JWKS_MIN_REFRESH_MS'],
  ])('refuse %p', (env, problem) => {
    expect(problems(env).join('\n')).toContain(problem);
  });
});
