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

  async forAggregates(sql: SqlExecutor, aggregateIds: string[]): Promise<E[]> {
    if (aggregateIds.length === 0) return [];
    const rows = (await sql.query(
      'SELECT event FROM parked_events WHERE aggregate_id = ANY($1::uuid[]) ORDER BY aggregate_id, version',
      [aggregateIds],
    )) as Array<{ event: E }>;
    return rows.map((row) => row.event);
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
