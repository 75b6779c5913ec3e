import { provideInfrastructure, TestInfrastructure } from './infrastructure';

declare global {
  var convergeTestInfrastructure: TestInfrastructure | undefined;
}

export default async function globalSetup(): Promise<void> {
  const infra = await provideInfrastructure();
  // Workers start after this and inherit the environment.
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  process.stderr.write(`\n[tests] Kafka ${infra.kafkaBrokers}, PostgreSQL from ${infra.source}\n`);
  globalThis.convergeTestInfrastructure = infra;
}
