import type { OutboundMessage } from '@converge/kafka';

/** One unpublished outbox row as the relay reads it. */
export interface OutboxRow {
  /** bigint: kept as text, the database's own spelling, so no id loses precision. */
  id: string;
  topic: string;
  key: string;
  /** The payload's JSON text, published byte for byte. */
  value: string;
  headers: Record<string, string>;
  createdAt: Date;
}

/** The rows of one topic from one batch, in id order: one broker round trip. */
export interface TopicBatch {
  topic: string;
  ids: string[];
  messages: OutboundMessage[];
}

/**
 * Splits a batch by topic, keeping id order within each topic. Order only matters per key, and
 * a key lives in one topic, so publishing one topic after another keeps every key's order.
 */
export function groupByTopic(rows: OutboxRow[]): TopicBatch[] {
  const batches = new Map<string, TopicBatch>();
  for (const row of rows) {
    let batch = batches.get(row.topic);
    if (!batch) {
      batch = { topic: row.topic, ids: [], messages: [] };
      batches.set(row.topic, batch);
    }
    batch.ids.push(row.id);
    batch.messages.push({ key: row.key, value: row.value, headers: row.headers });
  }
  return [...batches.values()];
}

/**
 * Kafka headers are strings. The column is free-form jsonb, so a value a writer stored as a
 * number or nested object is sent as its JSON text rather than failing the whole batch.
 */
export function toMessageHeaders(stored: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return headers;
  for (const [name, value] of Object.entries(stored)) {
    if (value === null || value === undefined) continue;
    headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return headers;
}

/** "17..42 (26 rows)": how logs name a set of rows without listing them. */
export function describeIds(ids: string[]): string {
  if (ids.length === 0) return 'no rows';
  if (ids.length === 1) return `id ${ids[0]}`;
  return `ids ${ids[0]}..${ids[ids.length - 1]} (${ids.length} rows)`;
}

export function oldestCreatedAt(rows: OutboxRow[]): Date {
  return rows.reduce((oldest, row) => (row.createdAt < oldest ? row.createdAt : oldest), rows[0].createdAt);
}
