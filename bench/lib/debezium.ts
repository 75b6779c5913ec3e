import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from '../../test/support/eventually';
import type { TestStack } from '../../test/support/stack';

const root = join(__dirname, '..', '..');
const script = join(root, 'infra', 'debezium', 'debezium.sh');
const CONNECT_PORT = Number(process.env.CONNECT_PORT ?? 18083);
const connectUrl = `http://127.0.0.1:${CONNECT_PORT}`;

export type DebeziumProfile = 'default' | 'tuned';

/**
 * Debezium's settings for its best latency, each one a documented knob:
 * - poll.interval.ms 500 -> 1: how long the streaming loop and the task's queue poll wait when
 *   nothing is ready; at 500 it alone adds up to half a second to an idle-then-written row.
 * - max.in.flight 1 -> 5 with idempotence: Connect keeps one request in flight to keep order;
 *   the idempotent producer keeps order with five.
 * - linger.ms 0 and batch.size 256 KiB: send at once, and let a burst go in one request.
 */
const TUNED: Record<string, string> = {
  'poll.interval.ms': '1',
  'max.batch.size': '4096',
  'max.queue.size': '16384',
  'producer.override.linger.ms': '0',
  'producer.override.batch.size': String(256 * 1024),
  'producer.override.enable.idempotence': 'true',
  'producer.override.max.in.flight.requests.per.connection': '5',
  'producer.override.compression.type': 'none',
};

/** The outbox table, read from the WAL and routed to each row's own topic: Cart's envelope as it was written. */
function connectorConfig(stack: TestStack, name: string, profile: DebeziumProfile): Record<string, string> {
  const database = new URL(stack.cartDb.url);
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'plugin.name': 'pgoutput',
    'database.hostname': database.hostname,
    'database.port': database.port || '5432',
    'database.user': decodeURIComponent(database.username) || 'postgres',
    'database.password': decodeURIComponent(database.password),
    'database.dbname': database.pathname.slice(1),
    'topic.prefix': name,
    'slot.name': name,
    'slot.drop.on.stop': 'true',
    'publication.name': name,
    // Only the outbox is published: the WAL of carts and lines never leaves the server.
    'publication.autocreate.mode': 'filtered',
    'table.include.list': 'public.outbox',
    // Streaming from the slot's creation: rows written before are not the bench's.
    'snapshot.mode': 'no_data',
    'tombstones.on.delete': 'false',
    transforms: 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.table.field.event.id': 'id',
    'transforms.outbox.table.field.event.key': 'message_key',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.route.by.field': 'topic',
    'transforms.outbox.route.topic.replacement': '${routedByValue}',
    'transforms.outbox.table.expand.json.payload': 'false',
    ...(profile === 'tuned' ? TUNED : {}),
  };
}

async function connect<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
  const response = await fetch(`${connectUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 404 && method === 'DELETE') return undefined;
  const text = await response.text();
  if (!response.ok) throw new Error(`Kafka Connect ${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as T);
}

async function slotActive(databaseUrl: string, slot: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ active: boolean }>(
      'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    return rows[0]?.active === true;
  } finally {
    await client.end();
  }
}

async function dropSlot(databaseUrl: string, slot: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
      [slot],
    );
  } finally {
    await client.end();
  }
}

/** The Kafka Connect worker of infra/debezium, started once for a whole bench run. */
export const connectWorker = {
  start: (brokers: string) =>
    execFileSync(script, ['start'], { stdio: 'inherit', env: { ...process.env, KAFKA_BROKERS: brokers } }),
  stop: () => execFileSync(script, ['stop'], { stdio: 'inherit' }),
  pids: (): number[] => {
    try {
      const pidfile = join(root, 'infra', 'debezium', '.state', `connect-${CONNECT_PORT}.pid`);
      return [Number(readFileSync(pidfile, 'utf8'))];
    } catch {
      return [];
    }
  },
};

/**
 * Debezium publishing one bench stack's outbox: a connector of its own (and so a slot and a
 * publication of its own), streaming before the stack's first write, removed with its slot after.
 */
export class DebeziumOutboxRouter {
  private constructor(
    private readonly name: string,
    private readonly databaseUrl: string,
  ) {}

  static async attach(stack: TestStack, profile: DebeziumProfile): Promise<DebeziumOutboxRouter> {
    const name = `bench_${stack.cartDb.url.split('/').pop()!.replace(/\W/g, '_')}`.slice(0, 60);
    await connect('POST', '/connectors', { name, config: connectorConfig(stack, name, profile) });
    const router = new DebeziumOutboxRouter(name, stack.cartDb.url);
    await eventually(
      async () => {
        const status = await connect<{ tasks: { state: string; trace?: string }[] }>(
          'GET',
          `/connectors/${name}/status`,
        );
        const task = status?.tasks[0];
        if (task?.state === 'FAILED') throw new Error(`Debezium task failed: ${task.trace?.split('\n')[0]}`);
        if (task?.state !== 'RUNNING') throw new Error(`task ${task?.state ?? 'not yet assigned'}`);
        if (!(await slotActive(stack.cartDb.url, name))) throw new Error('slot not yet streaming');
      },
      120_000,
      200,
    );
    return router;
  }

  /** Stops reading the WAL; the slot keeps what is written meanwhile. */
  async pause(): Promise<void> {
    await connect('PUT', `/connectors/${this.name}/pause`);
    await this.until('PAUSED');
  }

  async resume(): Promise<void> {
    await connect('PUT', `/connectors/${this.name}/resume`);
    await this.until('RUNNING');
  }

  private async until(state: string): Promise<void> {
    await eventually(
      async () => {
        const status = await connect<{ tasks: { state: string }[] }>('GET', `/connectors/${this.name}/status`);
        if (status?.tasks[0]?.state !== state) throw new Error(`task ${status?.tasks[0]?.state}, not ${state}`);
      },
      60_000,
      100,
    );
  }

  async detach(): Promise<void> {
    await connect('DELETE', `/connectors/${this.name}`);
    await eventually(
      async () => {
        if (await slotActive(this.databaseUrl, this.name)) throw new Error('slot still streaming');
      },
      60_000,
      200,
    );
    await dropSlot(this.databaseUrl, this.name);
  }
}
