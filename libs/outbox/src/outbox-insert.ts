import { OUTBOX_NOTIFY_CHANNEL, type OutboxMessage } from './outbox-message';

export interface OutboxInsert {
  /** An INSERT of outbox rows, to run alone or as one part of a writer's own statement. */
  sql: string;
  parameters: unknown[];
}

/**
 * Outbox rows, for a writer that folds its events into the statement that writes its change:
 * one round trip however many events, one statement text however many rows (so it is prepared
 * once). Rows get their ids in the order given, which is the order the relay publishes them in.
 * Parameters are numbered from `first`; `when`, a condition in the writer's statement, lets the
 * rows go in only where the writer's own change did.
 */
export function outboxInsert(messages: readonly OutboxMessage[], first: number, when?: string): OutboxInsert {
  const [topic, key, payload, headers] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return {
    sql: `INSERT INTO outbox (topic, message_key, payload, headers)
          SELECT topic, message_key, payload, headers
            FROM unnest(${topic}::text[], ${key}::text[], ${payload}::jsonb[], ${headers}::jsonb[])
                 WITH ORDINALITY AS m (topic, message_key, payload, headers, n)
           ${when === undefined ? '' : `WHERE ${when}`}
           ORDER BY n`,
    parameters: [
      messages.map((message) => message.topic),
      messages.map((message) => message.key),
      messages.map((message) => JSON.stringify(message.payload)),
      messages.map((message) => JSON.stringify(message.headers ?? {})),
    ],
  };
}

/** Tells relays in other processes at commit (and only if it commits) that rows are waiting. */
export const OUTBOX_NOTIFY_SQL = `SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '')`;
