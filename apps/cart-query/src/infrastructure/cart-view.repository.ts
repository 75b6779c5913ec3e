import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlExecutor } from '@converge/platform';
import type { CartLine, CartView } from '../read-model/cart-view';

interface CartViewRow {
  id: string;
  owner: string;
  version: number;
  items: CartLine[];
  updated_at: Date;
}

const toView = (row: CartViewRow): CartView => ({
  id: row.id,
  owner: row.owner,
  version: row.version,
  items: row.items,
  updatedAt: row.updated_at.toISOString(),
});

/** The advisory-lock key space of carts being applied (any number; fixed so every instance agrees). */
const APPLY_LOCK_SEED = 4242;

/**
 * Serialises transactions applying the same carts, whichever instance runs them (a zombie
 * handler after a rebalance, two groups after a partition change): row locks cannot, when a
 * cart's view does not exist yet. Taken in sorted order, so two batches never deadlock; held
 * until the transaction ends.
 */
export async function lockCartsForApply(sql: SqlExecutor, cartIds: readonly string[]): Promise<void> {
  if (cartIds.length === 0) return;
  await sql.query('SELECT pg_advisory_xact_lock(hashtextextended(id, $2)) FROM unnest($1::text[]) AS id', [
    [...cartIds].sort(),
    APPLY_LOCK_SEED,
  ]);
}

@Injectable()
export class CartViewRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(cartId: string): Promise<CartView | undefined> {
    const rows = (await this.dataSource.query(
      'SELECT id, owner, version, items, updated_at FROM cart_views WHERE id = $1',
      [cartId],
    )) as CartViewRow[];
    return rows[0] && toView(rows[0]);
  }

  /** Locks the carts' rows for the applying transaction; absent carts are simply not in the map. */
  async lockForUpdate(sql: SqlExecutor, cartIds: string[]): Promise<Map<string, CartView>> {
    if (cartIds.length === 0) return new Map();
    const rows = (await sql.query(
      'SELECT id, owner, version, items, updated_at FROM cart_views WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [cartIds],
    )) as CartViewRow[];
    return new Map(rows.map((row) => [row.id, toView(row)]));
  }

  /**
   * Upserts; a view never moves back to an older version, whoever else wrote it meanwhile, unless
   * it is overwritten by an authoritative event (a snapshot), which replaces it whatever it held.
   */
  async save(sql: SqlExecutor, views: CartView[], overwritten: ReadonlySet<string> = new Set()): Promise<void> {
    if (views.length === 0) return;
    await sql.query(
      `INSERT INTO cart_views (id, version, items, updated_at, owner)
       SELECT * FROM unnest($1::uuid[], $2::int[], $3::jsonb[], $4::timestamptz[], $5::text[])
       ON CONFLICT (id) DO UPDATE
         SET version = EXCLUDED.version, items = EXCLUDED.items, updated_at = EXCLUDED.updated_at, owner = EXCLUDED.owner
         WHERE cart_views.version < EXCLUDED.version OR EXCLUDED.id = ANY($6::uuid[])`,
      [
        views.map((v) => v.id),
        views.map((v) => v.version),
        views.map((v) => JSON.stringify(v.items)),
        views.map((v) => v.updatedAt),
        views.map((v) => v.owner),
        [...overwritten],
      ],
    );
  }

  /** Removes views of carts the write model does not hold; returns how many went. */
  async remove(cartIds: readonly string[]): Promise<number> {
    if (cartIds.length === 0) return 0;
    // Counted by a SELECT, as everywhere: a DELETE's result differs between pg and TypeORM.
    const [row] = (await this.dataSource.query(
      'WITH gone AS (DELETE FROM cart_views WHERE id = ANY($1::uuid[]) RETURNING 1) SELECT count(*)::int AS count FROM gone',
      [cartIds],
    )) as Array<{ count: number }>;
    return row.count;
  }

  async count(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT count(*)::int AS count FROM cart_views')) as Array<{
      count: number;
    }>;
    return row.count;
  }
}
