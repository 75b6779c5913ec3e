import { randomBytes } from 'node:crypto';

/** A name no other test uses: for topics, consumer groups and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function testKafkaBrokers(): string {
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set: run the tests through jest (global setup)');
  return brokers;
}

export function testPostgresUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is not set: run the tests through jest (global setup)');
  return url;
}

export const TEST_SESSION_SECRET = 'converge-test-session-secret-0123456789abcdef';
