import { z } from 'zod';
import {
  InvalidConfigError,
  kafkaBrokersVar,
  parseEnv,
  portVar,
  postgresUrlVar,
  sessionTokenSecretVar,
} from './env-config';

const schema = z.object({
  PORT: portVar(3000),
  DATABASE_URL: postgresUrlVar('postgres://postgres@127.0.0.1:5432/cart'),
  KAFKA_BROKERS: kafkaBrokersVar,
  SECRET: sessionTokenSecretVar,
});
const secret = 'x'.repeat(32);

describe('parseEnv', () => {
  it('applies defaults and types values', () => {
    expect(parseEnv(schema, { SECRET: secret })).toEqual({
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cart',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      SECRET: secret,
    });
  });

  it('splits a broker list', () => {
    expect(parseEnv(schema, { SECRET: secret, KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('names every bad variable at once, without echoing a secret', () => {
    const bad = { PORT: '70000', DATABASE_URL: 'mysql://x/y', KAFKA_BROKERS: 'nohost', SECRET: 'short-secret-value' };
    let error: unknown;
    try {
      parseEnv(schema, bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const { problems, message } = error as InvalidConfigError;
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'PORT',
      'DATABASE_URL',
      'KAFKA_BROKERS',
      'SECRET',
    ]);
    expect(message).not.toContain('short-secret-value');
  });

  it('requires the session secret', () => {
    expect(() => parseEnv(schema, {})).toThrow('SECRET is required');
  });
});
