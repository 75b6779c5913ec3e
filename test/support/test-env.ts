import { randomBytes } from 'node:crypto';
import { AccessTokenIssuer, OPERATE_SCOPE } from '@converge/access-token';

/**
 * A name no other test uses, for topics, consumer groups and databases:
 * `prefix_<creation time, base 36>_<random>`, so what a killed run left can be told by its age.
 */
export function uniqueName(prefix: string, createdAt = Date.now()): string {
  return `${prefix}_${createdAt.toString(36)}_${randomBytes(4).toString('hex')}`;
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

export const TEST_AUTH_SECRET = 'converge-test-access-token-secret-0123456789';
/** Who the tests act as, unless a test is about another caller. */
export const TEST_OWNER = 'test-owner';

const issuer = new AccessTokenIssuer(TEST_AUTH_SECRET);

/** An access token the test stacks accept: `Authorization: Bearer <this>`. */
export function testAccessToken(owner = TEST_OWNER, ttlSeconds?: number, scopes?: string[]): string {
  return issuer.issue(owner, ttlSeconds, scopes);
}

/** An operator: may pause and resume Cart-Query's consumption. */
export function operatorBearer(): string {
  return `Bearer ${testAccessToken('operator', undefined, [OPERATE_SCOPE])}`;
}

export function bearer(owner = TEST_OWNER): string {
  return `Bearer ${testAccessToken(owner)}`;
}

/** The secrets every test service needs, as its environment names them. */
export function testSecretsEnv(): { SESSION_TOKEN_SECRET: string; AUTH_JWT_SECRET: string } {
  return { SESSION_TOKEN_SECRET: TEST_SESSION_SECRET, AUTH_JWT_SECRET: TEST_AUTH_SECRET };
}
