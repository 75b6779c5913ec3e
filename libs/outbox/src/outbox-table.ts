import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { CONNECTION_LIVENESS, SilenceDroppingClient } from '@converge/platform';
import { OutboxRow, toMessageHeaders } from './outbox-batch';
import { describeFailure } from './outbox-failure';

interface StoredRow {
  scanned_at_ms: string;
  /** How many rows the id-ordered page held before the byte bound cut it. */
  page_rows: number | null;
  id: string | null;
  topic: string;
  message_key: string;
  payload: string;
  headers: unknown;
  created_at: Date;
}

function toOutboxRow(row: StoredRow): OutboxRow {
  return {
    id: row.id!,
    topic: row.topic,
    key: row.message_key,
    value: row.payload,
    headers: toMessageHeaders(row.headers),
    createdAt: row.created_at,
  };
}

export interface UnpublishedPage {
  rows: OutboxRow[];
  /** The database's now() as the scan began, floored to the millisecond. */
  scannedAtMs: number;
  /** Every unpublished row of the scan's snapshot is in `rows`: no bound cut the page short. */
  complete: boolean;
}

/** The relay's SQL against the outbox table, over the relay's one working connection. */
export class OutboxTable {
  private readonly pool: Pool;
  private closed = false;

  constructor(databaseUrl: string, logger: Logger) {
    // A pool of one rather than a bare client: it replaces a connection that died between
    // passes, so a database restart needs no reconnect logic here.
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: 1,
      application_name: 'outbox-relay',
      connectionTimeoutMillis: 5000,
      // A statement stuck behind a lock fails and is retried instead of stalling the relay; a
      // query over a link gone silent is given up and its connection dropped.
      statement_timeout: CONNECTION_LIVENESS.statementTimeoutMs,
      query_timeout: CONNECTION_LIVENESS.queryTimeoutMs,
      Client: SilenceDroppingClient,
      keepAlive: true,
      keepAliveInitialDelayMillis: CONNECTION_LIVENESS.keepAliveInitialDelayMs,
      // This connection only writes bookkeeping (marks, failure counts, retention deletes): losing
      // its last commits in a crash means publishing those rows again, which consumers absorb.
      // Not waiting for the WAL flush takes a disk sync off the path of every batch.
      options: '-c synchronous_commit=off',
    });
    // An idle connection that dies is only dropped; without a listener it would crash the process.
    this.pool.on('error', (error) => logger.warn(`outbox connection lost while idle: ${describeFailure(error)}`));
  }

  /**
   * The oldest unpublished rows, in id order: at most `limit` of them, and no more than `maxBytes`
   * of payload (the first row always). `complete` says the page holds every unpublished row the
   * scan's snapshot saw: neither bound cut it. Deliberately not `id > last seen`: ids are taken at
   * insert, not at commit, so a slow transaction can commit a row below one already published.
   *
   * With them, `scannedAtMs`: the database's now() of this statement, floored to the millisecond.
   * One statement is one transaction, whose now() is fixed when it starts, before its snapshot is
   * taken; so a transaction whose COMMIT returned before that instant is visible in the snapshot.
   * Not clock_timestamp(): read after the snapshot, it could postdate a commit the scan missed.
   * The lateral join returns one row even when nothing is unpublished, so the instant still comes.
   */
  async unpublished(limit: number, maxBytes: number): Promise<UnpublishedPage> {
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT floor(extract(epoch FROM now()) * 1000)::bigint AS scanned_at_ms, o.*
         FROM (SELECT 1) AS scan
         LEFT JOIN LATERAL (
           SELECT id, topic, message_key, payload, headers, created_at, page_rows FROM (
             SELECT page.*, (count(*) OVER ())::int AS page_rows,
                    sum(octet_length(payload)) OVER (ORDER BY id) - octet_length(payload) AS bytes_before
               FROM (SELECT id, topic, message_key, payload::text AS payload, headers, created_at
                       FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1) AS page) AS bounded
            WHERE bytes_before < $2) AS o ON true
        ORDER BY o.id`,
      [limit, maxBytes],
    );
    const page = rows.filter((row) => row.id !== null).map(toOutboxRow);
    const pageRows = rows[0].page_rows ?? 0;
    return {
      rows: page,
      scannedAtMs: Number(rows[0].scanned_at_ms),
      complete: page.length === pageRows && pageRows < limit,
    };
  }

  async markPublished(ids: string[]): Promise<void> {
    await this.pool.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  async recordFailure(ids: string[], error: string): Promise<void> {
    await this.pool.query('UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [
      ids,
      error,
    ]);
  }

  /** Deletes at most `limit` published rows older than the retention; returns how many went. */
  async deletePublishedBefore(retentionMs: number, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE published_at < now() - $1 * interval '1 millisecond' LIMIT $2)`,
      [retentionMs, limit],
    );
    return rowCount ?? 0;
  }

  async countUnpublished(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      'SELECT count(*) AS count FROM outbox WHERE published_at IS NULL',
    );
    return Number(rows[0].count);
  }

  /** After the relay stopped: a round trip it left in flight has nowhere to record its outcome. */
  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
