/**
 * `npm run bench:anti-entropy`: what anti-entropy costs, on one stack of real services.
 * - the digest tree's root, a branch and a leaf, read from the kept buckets, at 10k, 100k and 1M
 *   carts, beside folding the same root from every cart (what keeping buckets saves);
 * - the bytes one pass reads from Cart when nothing differs, and when some carts do;
 * - the backfill rate of a read model emptied at 100k carts (REPAIR_RATE_PER_SECOND given).
 * Carts are inserted straight into Cart's database with the digests Cart would compute.
 *   BENCH_AE_SIZES (10000,100000,1000000)  BENCH_BACKFILL_CARTS (100000)  BENCH_REPAIR_RATE (20000)
 */
import { Client } from 'pg';
import { digestBucketOf } from '@converge/contracts';
import { CART_CANONICAL_SQL } from '../apps/cart/src/database/migrations/1732200000600-add-cart-digests';
import { provideInfrastructure } from '../test/setup/infrastructure';
import { requestJson } from '../test/support/http';
import { TestStack } from '../test/support/stack';
import { operatorBearer } from '../test/support/test-env';
import { percentile } from './lib/stats';

const say = (line: string) => process.stdout.write(`${line}\n`);
const sizes = (process.env.BENCH_AE_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const backfillCarts = Number(process.env.BENCH_BACKFILL_CARTS ?? 100_000);

/** Adds carts (version 1, one line each) as Cart's own statements would leave them, digests and buckets included. */
async function addCarts(sql: Client, count: number): Promise<void> {
  await sql.query('BEGIN');
  await sql.query(
    `INSERT INTO carts (id, version, created_at, updated_at, owner, digest)
     SELECT gen_random_uuid(), 1, now(), now(), 'bench', 0 FROM generate_series(1, $1)`,
    [count],
  );
  await sql.query(`INSERT INTO cart_items (cart_id, sku, quantity) SELECT id, 'SKU-1', 1 FROM carts WHERE digest = 0`);
  await sql.query(`UPDATE carts c SET digest = converge_digest(${CART_CANONICAL_SQL}) WHERE digest = 0`);
  await sql.query(`UPDATE cart_digest_buckets b SET digest = r.digest, carts = r.carts
                     FROM (SELECT bucket, bit_xor(digest) AS digest, count(*) AS carts FROM carts GROUP BY bucket) r
                    WHERE b.bucket = r.bucket`);
  await sql.query('COMMIT');
  await sql.query('VACUUM ANALYZE carts');
}

async function median(times: number, work: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return Number((percentile(samples, 50) ?? 0).toFixed(2));
}

async function main(): Promise<void> {
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  const stack = await TestStack.start({
    env: { ANTI_ENTROPY_INTERVAL_MS: '0', REPAIR_RATE_PER_SECOND: process.env.BENCH_REPAIR_RATE ?? '20000' },
  });
  const sql = new Client({ connectionString: stack.cartDb.url });
  await sql.connect();
  const node = (prefix: string) =>
    requestJson(`${stack.cart[0].url}/operations/digests?prefix=${prefix}`, {
      headers: { Authorization: operatorBearer() },
    });
  const reconcile = () =>
    requestJson<{ carts: number; divergent: number; repaired: number }>(`${stack.query[0].url}/operations/reconcile`, {
      method: 'POST',
      headers: { Authorization: operatorBearer() },
    });
  try {
    say('| carts | root over HTTP, ms | leaf over HTTP, ms | root folded from every cart, ms | leaf bytes |');
    say('| --- | --- | --- | --- | --- |');
    let held = 0;
    for (const size of sizes) {
      await addCarts(sql, size - held);
      held = size;
      const { rows } = await sql.query<{ id: string }>('SELECT id::text FROM carts LIMIT 1');
      const leaf = digestBucketOf(rows[0].id);
      const root = await median(7, () => node(''));
      const leafMs = await median(7, () => node(leaf));
      const scan = await median(3, () =>
        sql.query('SELECT bucket, bit_xor(digest), count(*) FROM carts GROUP BY bucket'),
      );
      const leafBytes = Buffer.byteLength(JSON.stringify((await node(leaf)).body));
      say(`| ${size} | ${root} | ${leafMs} | ${scan} | ${leafBytes} |`);
      if (size === backfillCarts) await backfill(stack, reconcile, size);
    }
  } finally {
    await sql.end();
    await stack.stop();
    await infra.stop();
  }
}

/** The read model is empty (the carts went in behind Cart's back): one pass backfills them all. */
async function backfill(
  stack: TestStack,
  reconcile: () => Promise<{ body: { carts: number; divergent: number; repaired: number } }>,
  size: number,
): Promise<void> {
  const query = new Client({ connectionString: stack.queryDb.url });
  await query.connect();
  try {
    const started = performance.now();
    const pass = await reconcile();
    const requested = performance.now();
    for (;;) {
      const { rows } = await query.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM cart_views WHERE owner = 'bench'",
      );
      if (rows[0].count >= size) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    say(
      `\nbackfill of ${size} carts: pass ${JSON.stringify(pass.body)} in ${((requested - started) / 1000).toFixed(1)} s; ` +
        `all views written after ${seconds.toFixed(1)} s: ${Math.round(size / seconds)} carts/s\n`,
    );
    const quiet = performance.now();
    const again = await reconcile();
    say(
      `a pass with nothing to repair at ${size} carts: ${JSON.stringify(again.body)} in ${Math.round(performance.now() - quiet)} ms\n`,
    );
  } finally {
    await query.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
