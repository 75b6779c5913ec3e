import { OUTBOX_NOTIFY_CHANNEL, type OutboxMessage, type SqlExecutor } from './outbox-message';

export interface AppendOptions {
  /**
   * Also NOTIFY relays in other processes at commit. Costs a global lock at commit time, so a
   * single-process deployment may rely on the in-process wake-up alone.
   */
  notify: boolean;
}

/**
 * Inserts the messages in the caller's transaction, in one statement. Row ids follow insert
 * order, which for one cart is its commit order: writes to a cart serialise on the cart's row.
 */
export async function appendToOutbox(
  sql: SqlExecutor,
  messages: OutboxMessage[],
  options: AppendOptions,
): Promise<void> {
  if (messages.length === 0) return;
  const insert = `
    INSERT INTO outbox (topic, message_key, payload, headers)
    SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[])`;
  const parameters = [
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => JSON.stringify(m.payload)),
    messages.map((m) => JSON.stringify(m.headers ?? {})),
  ];
  if (!options.notify) {
    await sql.query(insert, parameters);
    return;
  }
  // One round trip for both: the notification is delivered only if the insert commits.
  await sql.query(
    `WITH inserted AS (${insert} RETURNING 1) SELECT pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '') FROM (SELECT 1) once WHERE EXISTS (SELECT 1 FROM inserted)`,
    parameters,
  );
}
