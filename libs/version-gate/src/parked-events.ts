import type { SqlExecutor } from '@converge/platform';
import type { VersionedEvent } from './version-gate';

/** The parking place for events beyond a gap; all calls run in the caller's transaction. */
export class ParkedEvents<E extends VersionedEvent> {
  async park(sql: SqlExecutor, events: E[], reason: string): Promise<void> {
    if (events.length === 0) return;
    await sql.query(
      `INSERT INTO parked_events (event_id, aggregate_id, version, event, reason)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::jsonb[], $5::text[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.aggregateId),
        events.map((e) => e.version),
        events.map((e) => JSON.stringify(e)),
        events.map(() => reason),
      ],
    );
  }

  /**
   * The lowest versions parked for each aggregate, at most `perAggregate` each: enough to fill a
   * gap once its predecessor comes, without reloading a long queue with every batch. What stays
   * parked waits for the next event of its aggregate, or for read repair.
   */
  async forAggregates(sql: SqlExecutor, aggregateIds: string[], perAggregate = 100): Promise<E[]> {
    if (aggregateIds.length === 0) return [];
    const rows = (await sql.query(
      `SELECT event FROM (
         SELECT event, aggregate_id, version,
                row_number() OVER (PARTITION BY aggregate_id ORDER BY version) AS rank
           FROM parked_events WHERE aggregate_id = ANY($1::uuid[])) p
        WHERE rank <= $2 ORDER BY aggregate_id, version`,
      [aggregateIds, perAggregate],
    )) as Array<{ event: E }>;
    return rows.map((row) => row.event);
  }

  /** Forgets events parked longer than the retention: their cart was repaired by then, or never will be by them. */
  async expire(sql: SqlExecutor, olderThanMs: number): Promise<number> {
    // Counted by a SELECT: a DELETE's result differs between a pg client and TypeORM.
    const [row] = (await sql.query(
      `WITH gone AS (DELETE FROM parked_events WHERE parked_at < now() - $1 * interval '1 millisecond' RETURNING 1)
       SELECT count(*)::int AS count FROM gone`,
      [olderThanMs],
    )) as Array<{ count: number }>;
    return row.count;
  }

  async remove(sql: SqlExecutor, eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await sql.query('DELETE FROM parked_events WHERE event_id = ANY($1::uuid[])', [eventIds]);
  }

  async count(sql: SqlExecutor): Promise<number> {
    const [row] = (await sql.query('SELECT count(*)::int AS count FROM parked_events')) as Array<{ count: number }>;
    return row.count;
  }
}
