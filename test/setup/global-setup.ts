import { ensureChromium } from '../support/chromium';
import { dropStaleTestDatabases } from '../support/stale-test-databases';
import { provideInfrastructure, TestInfrastructure } from './infrastructure';

/** Far longer than any run of the suites, so only what a killed run left is taken. */
const STALE_AFTER_MS = 60 * 60 * 1000;

declare global {
  var convergeTestInfrastructure: TestInfrastructure | undefined;
}

export default async function globalSetup(): Promise<void> {
  // The browser tests drive Debian's Chromium: installed here, once, where it is missing.
  ensureChromium();
  const infra = await provideInfrastructure();
  // Workers start after this and inherit the environment.
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  process.stderr.write(`\n[tests] Kafka ${infra.kafkaBrokers}, PostgreSQL from ${infra.source}\n`);
  const swept = await dropStaleTestDatabases(infra.postgresUrl, STALE_AFTER_MS);
  if (swept.length > 0) process.stderr.write(`[tests] dropped ${swept.length} test database(s) a killed run left\n`);
  globalThis.convergeTestInfrastructure = infra;
}
