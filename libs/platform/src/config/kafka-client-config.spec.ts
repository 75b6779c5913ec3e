import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InvalidConfigError, parseEnv } from './env-config';
import { kafkaClientSecurityOf, kafkaClientVars, refuseIncompleteKafkaClient } from './kafka-client-config';

const schema = z.object(kafkaClientVars).superRefine(refuseIncompleteKafkaClient).transform(kafkaClientSecurityOf);

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseEnv(schema, env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Kafka client security variables', () => {
  it('is neither SASL nor TLS when nothing is set, or set empty', () => {
    expect(parseEnv(schema, {})).toEqual({});
    expect(parseEnv(schema, { KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SSL: '' })).toEqual({});
  });

  it('takes a whole SASL credential', () => {
    const env = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'cart', KAFKA_SASL_PASSWORD: 'p' };
    expect(parseEnv(schema, env)).toEqual({ sasl: { mechanism: 'scram-sha-512', username: 'cart', password: 'p' } });
  });

  it('refuses a mechanism without its user and password, naming them', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual([
      'KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM',
    ]);
  });

  it('refuses a credential without a mechanism, never echoing the password', () => {
    const problems = problemsOf({ KAFKA_SASL_USERNAME: 'cart', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^KAFKA_SASL_MECHANISM is required/);
    expect(problems.join()).not.toContain('hunter2-secret');
  });

  it('refuses an unknown mechanism', () => {
    expect(
      problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })[0],
    ).toMatch(/^KAFKA_SASL_MECHANISM /);
  });

  it('reads the CA file for TLS, and refuses one that cannot be read or comes without TLS', () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'kafka-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    expect(parseEnv(schema, { KAFKA_SSL: 'true' })).toEqual({ ssl: {} });
    expect(parseEnv(schema, { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca })).toEqual({
      ssl: { ca: '-----BEGIN CERTIFICATE-----\n' },
    });
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: `${ca}.missing` })).toEqual([
      'KAFKA_SSL_CA_FILE is not a readable file',
    ]);
    expect(problemsOf({ KAFKA_SSL_CA_FILE: ca })).toEqual(['KAFKA_SSL_CA_FILE is for KAFKA_SSL=true']);
    expect(problemsOf({ KAFKA_SSL: 'yes' })[0]).toMatch(/^KAFKA_SSL /);
  });
});
