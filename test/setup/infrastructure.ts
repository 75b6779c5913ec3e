import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Where the tests' Kafka and PostgreSQL are, and how to stop what was started for them. */
export interface TestInfrastructure {
  source: 'environment' | 'testcontainers' | 'local-scripts';
  kafkaBrokers: string;
  /** A server URL (maintenance database); tests create their own databases on it. */
  postgresUrl: string;
  stop(): Promise<void>;
}

const root = join(__dirname, '..', '..');
const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0'; // Apache Kafka 3.9, as infra/kafka/pom.xml
const POSTGRES_IMAGE = 'postgres:15-alpine';

function fromEnvironment(): TestInfrastructure | undefined {
  const kafkaBrokers = process.env.TEST_KAFKA_BROKERS;
  const postgresUrl = process.env.TEST_POSTGRES_URL;
  if (!kafkaBrokers || !postgresUrl) return undefined;
  return { source: 'environment', kafkaBrokers, postgresUrl, stop: async () => undefined };
}

async function dockerAnswers(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  return getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
}

async function fromTestcontainers(): Promise<TestInfrastructure> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const [postgres, kafka] = await Promise.all([
    new PostgreSqlContainer(POSTGRES_IMAGE).withUsername('postgres').withPassword('postgres').start(),
    new KafkaContainer(KAFKA_IMAGE).withKraft().start(),
  ]);
  return {
    source: 'testcontainers',
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    postgresUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}/postgres`,
    stop: async () => {
      await Promise.all([kafka.stop(), postgres.stop()]);
    },
  };
}

function kafkaRunning(): boolean {
  try {
    execFileSync(join(root, 'infra', 'kafka', 'kafka.sh'), ['status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fromLocalScripts(): TestInfrastructure {
  const wasRunning = kafkaRunning();
  const infra = join(root, 'infra', 'infra.sh');
  execFileSync(infra, ['up'], { stdio: 'inherit' });
  return {
    source: 'local-scripts',
    kafkaBrokers: '127.0.0.1:9092',
    postgresUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    // Leave alone what was running before the tests; stop what they started.
    stop: async () => {
      if (!wasRunning) execFileSync(infra, ['down'], { stdio: 'inherit' });
    },
  };
}

/** Endpoints given by the environment; else Testcontainers where Docker answers; else the local scripts. */
export async function provideInfrastructure(): Promise<TestInfrastructure> {
  const given = fromEnvironment();
  if (given) return given;
  if (await dockerAnswers()) return fromTestcontainers();
  return fromLocalScripts();
}
