import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { OUTBOX_NOTIFY_SQL } from '@converge/outbox';
import { CartClient } from '../../test/support/cart-client';
import { TestStack } from '../../test/support/stack';
import { ProcessUsage, type UsageReport } from './process-usage';

const run = promisify(execFile);
const PGBENCH = process.env.PGBENCH ?? '/usr/lib/postgresql/15/bin/pgbench';
const CARTS = 200;

export interface FloorResult {
  clients: number;
  /** Add-item transactions committed per second by pgbench, nothing else running. */
  transactionsPerSecond: number;
  latencyMs: number;
  /** WAL written per add-item transaction: what a primary, its replicas and Debezium each have to carry. */
  walBytesPerTransaction: number;
  postgres: UsageReport;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const cartIdSql = "('00000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid";

/**
 * One add-item change as Cart runs it, statement for statement: read the cart with its lines;
 * then the one statement, a transaction of its own, that writes version, line, digest bucket,
 * outbox row and NOTIFY only over the version read. Values are drawn by pgbench; the outbox row
 * is a real envelope of the same size. A save that lost a race to another client writes nothing
 * and is counted all the same (Cart would read again): with 200 carts that is rare.
 */
function addItemScript(topic: string, payload: string, headers: string, notify: boolean): string {
  return `\\set n random(1, ${CARTS})
\\set sku random(0, 9)
\\set quantity random(1, 999)
\\set digest random(-4000000000000000000, 4000000000000000000)
SELECT c.id, c.owner, c.version AS v, c.updated_at,
       (SELECT coalesce(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity)), '[]'::json)
          FROM cart_items i WHERE i.cart_id = c.id) AS lines
       FROM carts c WHERE c.id = ${cartIdSql} \\gset
WITH before AS (SELECT bucket, digest FROM carts WHERE id = ${cartIdSql}),
     cart AS (UPDATE carts SET version = :v + 1, updated_at = now(), digest = :digest
               WHERE id = ${cartIdSql} AND version = :v RETURNING id),
     upserted AS (INSERT INTO cart_items (cart_id, sku, quantity)
                  SELECT ${cartIdSql}, sku, quantity FROM unnest(ARRAY['SKU-' || :sku]::text[], ARRAY[:quantity]::int[]) AS l (sku, quantity)
                   WHERE EXISTS (SELECT FROM cart)
                  ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity),
     removed AS (DELETE FROM cart_items WHERE cart_id = ${cartIdSql} AND sku = ANY('{}'::text[]) AND EXISTS (SELECT FROM cart)),
     bucket AS (UPDATE cart_digest_buckets b SET digest = b.digest # before.digest # :digest::bigint FROM before, cart WHERE b.bucket = before.bucket),
     events AS (INSERT INTO outbox (topic, message_key, payload, headers)
                SELECT topic, message_key, payload, headers
                  FROM unnest(ARRAY[${quote(topic)}]::text[], ARRAY[${cartIdSql}::text]::text[], ARRAY[${quote(payload)}]::jsonb[], ARRAY[${quote(headers)}]::jsonb[])
                       WITH ORDINALITY AS m (topic, message_key, payload, headers, n)
                 WHERE EXISTS (SELECT FROM cart)
                 ORDER BY n)
${notify ? OUTBOX_NOTIFY_SQL : 'SELECT 1'} FROM cart;
`.replaceAll(/\n {5,}/g, ' ');
}

async function walPosition(url: string): Promise<string> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
  } finally {
    await db.end();
  }
}

async function walBytesSince(url: string, lsn: string): Promise<number> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes', [
      lsn,
    ]);
    return Number(rows[0].bytes);
  } finally {
    await db.end();
  }
}

/** A real envelope, and the schema, from Cart itself; then carts pgbench can name, and Cart out of the way. */
async function prepare(stack: TestStack): Promise<{ payload: string; headers: string }> {
  const client = new CartClient(stack.cart[0].url);
  const cart = await client.createCart();
  await client.addItem(cart.body.id, 'SKU-1', 1);
  await stack.cart[0].stop();
  const db = new Client({ connectionString: stack.cartDb.url });
  await db.connect();
  try {
    const { rows } = await db.query<{ payload: string; headers: string }>(
      'SELECT payload::text AS payload, headers::text AS headers FROM outbox ORDER BY id DESC LIMIT 1',
    );
    await db.query(
      `INSERT INTO carts (id, version, owner, digest)
       SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 1, 'test-owner', 0
         FROM generate_series(1, ${CARTS}) AS n`,
    );
    await db.query('VACUUM ANALYZE');
    return rows[0];
  } finally {
    await db.end();
  }
}

/**
 * The database's own ceiling on this machine: pgbench runs Cart's add-item statements, with
 * prepared statements, at each concurrency, against a cart database with nothing else running.
 */
export async function runDatabaseFloor(
  clientCounts: number[],
  seconds: number,
  postgresPids: () => number[],
): Promise<FloorResult[]> {
  const stack = await TestStack.start({ queries: 0, env: { OUTBOX_RELAY_MODE: 'off', LOG_LEVEL: 'warn' } });
  try {
    const { payload, headers } = await prepare(stack);
    const script = join(mkdtempSync(join(tmpdir(), 'converge-floor-')), 'add-item.sql');
    writeFileSync(script, addItemScript(stack.topic, payload, headers, true));
    const results: FloorResult[] = [];
    for (const clients of clientCounts) {
      const walBefore = await walPosition(stack.cartDb.url);
      const usage = new ProcessUsage({ postgres: postgresPids });
      const { stdout } = await run(PGBENCH, [
        ...['-n', '-M', 'prepared', '-f', script, '-c', String(clients), '-j', String(Math.min(clients, 2))],
        ...['-T', String(seconds), stack.cartDb.url],
      ]);
      const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
      const latency = /latency average = ([\d.]+) ms/.exec(stdout);
      const transactions = /number of transactions actually processed: (\d+)/.exec(stdout);
      if (!tps || !latency || !transactions) throw new Error(`pgbench said:\n${stdout}`);
      const walBytes = await walBytesSince(stack.cartDb.url, walBefore);
      results.push({
        clients,
        transactionsPerSecond: Math.round(Number(tps[1])),
        latencyMs: Number(latency[1]),
        walBytesPerTransaction: Math.round(walBytes / Number(transactions[1])),
        postgres: usage.stop().postgres,
      });
    }
    return results;
  } finally {
    await stack.stop();
  }
}
