import { OUTBOX_NOTIFY_CHANNEL, type OutboxMessage } from './outbox-message';

export interface OutboxInsert {
  /** An INSERT of one outbox row, to run alone or as one part of a writer's own statement. */
  sql: string;
  parameters: unknown[];
}

/**
 * One outbox row, for a writer that folds its event into the statement that writes its change:
 * one round trip instead of two. Parameters are numbered from `first`.
 */
export function outboxInsert(message: OutboxMessage, first: number): OutboxInsert {
  const [topic, key, payload, headers] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return {
    sql: `INSERT INTO outbox (topic, message_key, payload, headers) VALUES (${topic}::text, ${key}::text, ${payload}::jsonb, ${headers}::jsonb)`,
    parameters: [message.topic, message.key, JSON.stringify(message.payload), JSON.stringify(message.headers ?? {})],
  };
}

/** Tells relays in other processes at commit (and only if it commits) that rows are waiting. */
export const OUTBOX_NOTIFY_SQL = `SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')`;
