import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bucketOf, createBucketsSql, DIGEST_FUNCTION_SQL } from '@converge/anti-entropy';

/** The canonical text of a stored cart `c`, as contracts' canonicalCart writes it. */
export const CART_CANONICAL_SQL = `c.id || '|' || c.version || '|' || c.owner || '|' || coalesce(
  (SELECT string_agg(i.sku || ':' || i.quantity, ',' ORDER BY i.sku COLLATE "C") FROM cart_items i WHERE i.cart_id = c.id), '')`;

/**
 * Each cart's digest, kept by the statement that changes the cart, and the digests of its bucket,
 * kept by the same statement: anti-entropy reads a tree that costs nothing to compute.
 */
export class AddCartDigests1732200000600 implements MigrationInterface {
  name = 'AddCartDigests1732200000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(DIGEST_FUNCTION_SQL);
    await db.query(`ALTER TABLE carts ADD COLUMN bucket char(3) GENERATED ALWAYS AS (${bucketOf('id')}) STORED`);
    await db.query('ALTER TABLE carts ADD COLUMN digest bigint');
    await db.query(`UPDATE carts c SET digest = converge_digest(${CART_CANONICAL_SQL})`);
    await db.query('ALTER TABLE carts ALTER COLUMN digest SET NOT NULL');
    await db.query('CREATE INDEX carts_bucket_idx ON carts (bucket)');
    for (const sql of createBucketsSql('cart_digest_buckets', 'SELECT bucket, digest FROM carts')) await db.query(sql);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE cart_digest_buckets');
    await db.query('ALTER TABLE carts DROP COLUMN digest, DROP COLUMN bucket');
  }
}
