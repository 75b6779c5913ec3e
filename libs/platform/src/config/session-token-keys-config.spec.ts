import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { convergeEnvVar } from './development-keys';
import { InvalidConfigError, parseEnv } from './env-config';
import { refuseUnsafeSessionTokenKeys, sessionTokenKeysOf, sessionTokenKeyVars } from './session-token-keys-config';

const local = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'infra', 'local-secrets.json'), 'utf8'),
) as Record<string, string>;

const schema = z
  .object({ CONVERGE_ENV: convergeEnvVar, ...sessionTokenKeyVars })
  .superRefine(refuseUnsafeSessionTokenKeys)
  .transform(sessionTokenKeysOf);

const SECRET = 'the-current-session-secret-of-32-bytes';
const OLD_SECRET = 'the-previous-session-secret-of-32-bytes';
const previous = (keys: unknown): string => JSON.stringify(keys);

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(schema, env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('session token keys configuration', () => {
  it('defaults to key id 0 and no previous key', () => {
    expect(parseEnv(schema, { SESSION_TOKEN_SECRET: SECRET })).toEqual({ secret: SECRET, keyId: 0, previousKeys: [] });
    expect(parseEnv(schema, { SESSION_TOKEN_SECRET: SECRET, SESSION_TOKEN_PREVIOUS_KEYS: '' }).previousKeys).toEqual(
      [],
    );
  });

  it('reads the current key id and the previous keys with their grace period', () => {
    const keys = parseEnv(schema, {
      SESSION_TOKEN_SECRET: SECRET,
      SESSION_TOKEN_KEY_ID: '2',
      SESSION_TOKEN_PREVIOUS_KEYS: previous([{ id: 1, secret: OLD_SECRET, until: '2026-12-01T00:00:00Z' }]),
    });

    expect(keys).toEqual({
      secret: SECRET,
      keyId: 2,
      previousKeys: [{ id: 1, secret: OLD_SECRET, until: new Date('2026-12-01T00:00:00Z') }],
    });
  });

  it.each([
    ['a key id out of range', { SESSION_TOKEN_KEY_ID: '65536' }, 'SESSION_TOKEN_KEY_ID'],
    [
      'previous keys that are not JSON',
      { SESSION_TOKEN_PREVIOUS_KEYS: `[{"secret":"${OLD_SECRET}"` },
      'SESSION_TOKEN_PREVIOUS_KEYS',
    ],
    [
      'a previous key without until',
      { SESSION_TOKEN_PREVIOUS_KEYS: previous([{ id: 1, secret: OLD_SECRET }]) },
      'SESSION_TOKEN_PREVIOUS_KEYS.0.until',
    ],
    [
      'a previous key with an until that is no instant',
      { SESSION_TOKEN_PREVIOUS_KEYS: previous([{ id: 1, secret: OLD_SECRET, until: 'next week' }]) },
      'SESSION_TOKEN_PREVIOUS_KEYS.0.until',
    ],
    [
      'a short previous secret',
      { SESSION_TOKEN_PREVIOUS_KEYS: previous([{ id: 1, secret: 'short-old-secret', until: '2026-12-01T00:00:00Z' }]) },
      'SESSION_TOKEN_PREVIOUS_KEYS.0.secret',
    ],
    [
      'a previous key of the current id',
      { SESSION_TOKEN_PREVIOUS_KEYS: previous([{ id: 0, secret: OLD_SECRET, until: '2026-12-01T00:00:00Z' }]) },
      'SESSION_TOKEN_PREVIOUS_KEYS.0.id',
    ],
    [
      'two previous keys of one id',
      {
        SESSION_TOKEN_KEY_ID: '3',
        SESSION_TOKEN_PREVIOUS_KEYS: previous([
          { id: 1, secret: OLD_SECRET, until: '2026-12-01T00:00:00Z' },
          { id: 1, secret: `${OLD_SECRET}!`, until: '2026-12-01T00:00:00Z' },
        ]),
      },
      'SESSION_TOKEN_PREVIOUS_KEYS.1.id',
    ],
  ])('refuses %s, naming it without echoing a secret', (_, env, path) => {
    const problems = problemsOf({ SESSION_TOKEN_SECRET: SECRET, ...env });

    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([path]);
    expect(problems.join('\n')).not.toContain('old-secret');
    expect(problems.join('\n')).not.toContain('previous-session-secret');
  });

  it('refuses the public development key as a previous key outside development', () => {
    const env = {
      SESSION_TOKEN_SECRET: SECRET,
      SESSION_TOKEN_KEY_ID: '1',
      SESSION_TOKEN_PREVIOUS_KEYS: previous([
        { id: 0, secret: local.SESSION_TOKEN_SECRET, until: '2026-12-01T00:00:00Z' },
      ]),
    };

    expect(problemsOf(env)).toEqual([
      expect.stringMatching(/^SESSION_TOKEN_PREVIOUS_KEYS\.0\.secret is the public development key/),
    ]);
    expect(parseEnv(schema, { ...env, CONVERGE_ENV: 'development' }).previousKeys).toHaveLength(1);
  });
});
