import type { SqlExecutor } from '@converge/platform';

export interface IdentifiedEvent {
  eventId: string;
}

export interface Consumed<E, R> {
  /** Delivered before and already recorded: skipped. */
  duplicates: E[];
  /** What the handler returned for the fresh events. */
  result: R;
}

/** A handler's answer: the ids it settled (to record), and its own result, passed back as is. */
export interface Handled<R> {
  settled: string[];
  result: R;
}

/**
 * At-least-once delivery, exactly-once effect: inside the caller's transaction, events seen
 * before are filtered out, and the ids the handler settled are recorded with its changes. If
 * the transaction rolls back, neither the effect nor the record exists, and redelivery retries.
 */
export class IdempotentConsumer {
  async consume<E extends IdentifiedEvent, R>(
    sql: SqlExecutor,
    events: E[],
    handle: (fresh: E[]) => Promise<Handled<R>>,
  ): Promise<Consumed<E, R>> {
    const seen = await this.alreadyProcessed(
      sql,
      events.map((event) => event.eventId),
    );
    const fresh = events.filter((event) => !seen.has(event.eventId));
    const { settled, result } = await handle(fresh);
    await this.record(sql, settled);
    return { duplicates: events.filter((event) => seen.has(event.eventId)), result };
  }

  /**
   * Forgets every id older than the window, a bounded batch per statement, until a batch comes
   * back short: one batch per pass would fall behind any steady rate above batch ÷ interval.
   * Safe because a redelivery that old is also older than the read model's version, and the
   * version check skips it.
   */
  async pruneAll(sql: SqlExecutor, olderThanMs: number, batch = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.prune(sql, olderThanMs, batch);
      total += removed;
      if (removed < batch) return total;
    }
  }

  /** One bounded batch of ids older than the window; how many went. */
  async prune(sql: SqlExecutor, olderThanMs: number, limit = 10_000): Promise<number> {
    // Counted by a SELECT: a DELETE's result differs between a pg client and TypeORM.
    const [row] = (await sql.query(
      `WITH gone AS (DELETE FROM processed_events WHERE event_id IN (
         SELECT event_id FROM processed_events WHERE processed_at < now() - $1 * interval '1 millisecond' LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS count FROM gone`,
      [olderThanMs, limit],
    )) as Array<{ count: number }>;
    return row.count;
  }

  private async alreadyProcessed(sql: SqlExecutor, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = (await sql.query('SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[])', [
      eventIds,
    ])) as Array<{ event_id: string }>;
    return new Set(rows.map((row) => row.event_id));
  }

  private async record(sql: SqlExecutor, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await sql.query(
      'INSERT INTO processed_events (event_id) SELECT unnest($1::uuid[]) ON CONFLICT (event_id) DO NOTHING',
      [eventIds],
    );
  }
}
