import { Cleanup } from '../support/cleanup';

export { Cleanup };
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventBroker, type InboundMessage, KafkajsEventBroker, readWatermark } from '@converge/kafka';
import {
  CreateOutbox1732200000100,
  CreateOutboxRelayEpochs1732200000800,
  OUTBOX_NOTIFY_SQL,
  outboxInsert,
  OutboxMessage,
  OutboxRelayOptions,
  RELAY_EPOCH_HEADER,
} from '@converge/outbox';
import { postgresOptions, runMigrationsExclusively } from '@converge/platform';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { testKafkaBrokers, uniqueName } from '../support/test-env';

/** A database of the test's own with the outbox table, as a service's migrations create it. */
export async function outboxDatabase(cleanup: Cleanup): Promise<TestDatabase> {
  const database = cleanup.add(await createTestDatabase('outbox'), (db) => db.drop());
  const dataSource = await new DataSource(
    postgresOptions(database.url, [CreateOutbox1732200000100, CreateOutboxRelayEpochs1732200000800], 2),
  ).initialize();
  try {
    await runMigrationsExclusively(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return database;
}

export function realBroker(cleanup: Cleanup, clientId: string): KafkajsEventBroker {
  const broker = new KafkajsEventBroker({ clientId, brokers: testKafkaBrokers().split(','), logLevel: 'error' });
  return cleanup.add(broker, (b) => b.disconnect());
}

/** A broker nobody answers at: every publish fails after the client's retries. */
export function unreachableBroker(cleanup: Cleanup): KafkajsEventBroker {
  const broker = new KafkajsEventBroker({ clientId: 'outbox-outage', brokers: ['127.0.0.1:1'], logLevel: 'error' });
  return cleanup.add(broker, (b) => b.disconnect());
}

export async function outboxTopic(broker: EventBroker): Promise<string> {
  const topic = uniqueName('outbox-relay');
  await broker.ensureTopics([{ name: topic, partitions: 3 }]);
  return topic;
}

export function relayOptions(databaseUrl: string, overrides: Partial<OutboxRelayOptions> = {}): OutboxRelayOptions {
  return {
    databaseUrl,
    mode: 'notify',
    // Long: a test that passes promptly proves a wake-up, not the fallback poll, did it.
    pollIntervalMs: 60_000,
    batchSize: 50,
    retentionMs: 3_600_000,
    // The default lock key is fine: each test has a database of its own. Short retry: quick takeovers.
    standbyRetryMs: 200,
    ...overrides,
  };
}

/** What a test event carries: which key it belongs to and its place in that key's history. */
export interface TestEvent {
  key: string;
  seq: number;
}

export function testMessage(topic: string, event: TestEvent): OutboxMessage {
  return { topic, key: event.key, payload: event, headers: { 'x-seq': String(event.seq) } };
}

/** A writer's own connection: each append is one committed transaction, like a cart command. */
export class OutboxWriter {
  private constructor(private readonly client: Client) {}

  static async connect(cleanup: Cleanup, databaseUrl: string): Promise<OutboxWriter> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    cleanup.add(client, (c) => c.end());
    return new OutboxWriter(client);
  }

  /** Commits the messages; resolves with the moment COMMIT returned (performance.now()). */
  async append(messages: OutboxMessage[], notify = false): Promise<number> {
    await this.client.query('BEGIN');
    try {
      await this.insert(messages);
      // As the writing service does: the notification goes out only if the rows commit.
      if (notify) await this.client.query(OUTBOX_NOTIFY_SQL);
      await this.client.query('COMMIT');
      return performance.now();
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
  }

  /** Starts a transaction, appends, and leaves it open until the caller commits. */
  async appendUncommitted(messages: OutboxMessage[]): Promise<{ commit(): Promise<void> }> {
    await this.client.query('BEGIN');
    await this.insert(messages);
    return { commit: async () => void (await this.client.query('COMMIT')) };
  }

  /** One row per message, in order, through the same insert the Cart service runs. */
  private async insert(messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const { sql, parameters } = outboxInsert(messages, 1);
    await this.client.query(sql, parameters);
  }

  async query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const { rows } = await this.client.query(sql, parameters);
    return rows as T[];
  }
}

export interface ReceivedEvent extends TestEvent {
  partition: number;
  offset: string;
  /** The fencing token of the relay term that published it. */
  epoch?: string;
  receivedAt: number;
}

/** What one partition held, in offset order: events and the watermarks between them. */
export type PartitionEntry = { event: TestEvent } | { watermarkMs: number };

/** A real consumer of the topic, in its own group; tests wait on what it has received. */
export class TopicReader {
  readonly received: ReceivedEvent[] = [];
  readonly partitions = new Map<number, PartitionEntry[]>();
  private readonly listeners = new Set<() => void>();

  static async start(cleanup: Cleanup, broker: EventBroker, topic: string): Promise<TopicReader> {
    const reader = new TopicReader();
    const subscription = await broker.subscribe({
      topic,
      groupId: uniqueName('outbox-reader'),
      fromBeginning: true,
      handleBatch: async (batch) => reader.take(batch.partition, batch.messages),
    });
    cleanup.add(subscription, (s) => s.stop());
    return reader;
  }

  /** Resolves once the condition holds on what was received; rejects after the timeout. */
  until(condition: (received: ReceivedEvent[]) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition(this.received)) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${what}: not received within ${timeoutMs} ms (received ${this.received.length})`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  untilSeq(key: string, seq: number, timeoutMs?: number): Promise<void> {
    return this.until((all) => all.some((e) => e.key === key && e.seq === seq), `${key}#${seq}`, timeoutMs);
  }

  private take(partition: number, messages: InboundMessage[]): void {
    const receivedAt = performance.now();
    const log = this.partitions.get(partition) ?? [];
    this.partitions.set(partition, log);
    for (const message of messages) {
      const watermarkMs = readWatermark(message);
      if (watermarkMs !== undefined) {
        log.push({ watermarkMs });
        continue;
      }
      const event = JSON.parse(message.value?.toString('utf8') ?? 'null') as TestEvent;
      log.push({ event });
      const epoch = message.headers[RELAY_EPOCH_HEADER];
      this.received.push({ ...event, partition, offset: message.offset, epoch, receivedAt });
    }
    for (const listener of [...this.listeners]) listener();
  }
}

/** Each key's sequence numbers in the order first received: duplicates (re-publishes) dropped. */
export function firstSeenOrderByKey(received: TestEvent[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byKey = new Map<string, number[]>();
  for (const { key, seq } of received) {
    if (seen.has(`${key}#${seq}`)) continue;
    seen.add(`${key}#${seq}`);
    byKey.set(key, [...(byKey.get(key) ?? []), seq]);
  }
  return byKey;
}

export interface OutboxRowState {
  id: string;
  seq: number;
  published: boolean;
  attempts: number;
  last_error: string | null;
}

export function outboxRows(writer: OutboxWriter): Promise<OutboxRowState[]> {
  return writer.query<OutboxRowState>(
    `SELECT id, (payload->>'seq')::int AS seq, published_at IS NOT NULL AS published, attempts, last_error
       FROM outbox ORDER BY id`,
  );
}
