import { Client } from 'pg';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function count(url: string, sql: string): Promise<number> {
  const [row] = await query<{ n: number }>(url, sql);
  return Number(row.n);
}

/**
 * Per event: the read model's commit (processed_events.processed_at, stamped by the applying
 * transaction's last insert) minus the write side's commit (outbox.created_at, stamped by the
 * writing transaction's last insert). One machine, one clock.
 */
export interface PropagationLags {
  total: number[];
  /** Commit to publication (published_at: the relay's mark, right after the broker's ack). */
  relay: number[];
  /** Publication to the read model's commit. */
  consume: number[];
}

export async function propagationLagsMs(cartDbUrl: string, queryDbUrl: string): Promise<PropagationLags> {
  const [written, applied] = await Promise.all([
    query<{ id: string; at: number; published: number | null }>(
      cartDbUrl,
      `SELECT payload->>'eventId' AS id, extract(epoch FROM created_at) * 1000 AS at,
              extract(epoch FROM published_at) * 1000 AS published FROM outbox`,
    ),
    query<{ id: string; at: number }>(
      queryDbUrl,
      'SELECT event_id AS id, extract(epoch FROM processed_at) * 1000 AS at FROM processed_events',
    ),
  ]);
  const appliedAt = new Map(applied.map((row) => [row.id, Number(row.at)]));
  const lags: PropagationLags = { total: [], relay: [], consume: [] };
  for (const row of written) {
    const at = appliedAt.get(row.id);
    if (at === undefined) continue;
    lags.total.push(at - Number(row.at));
    // Debezium marks no row: its split is unknown, its total is not.
    if (row.published === null) continue;
    lags.relay.push(Number(row.published) - Number(row.at));
    lags.consume.push(at - Number(row.published));
  }
  return lags;
}

export interface Backlog {
  outbox: number;
  consumer: number;
}
