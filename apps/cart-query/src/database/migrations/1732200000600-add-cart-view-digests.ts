import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bucketOf, createBucketsSql, DIGEST_FUNCTION_SQL } from '@converge/anti-entropy';

/**
 * Digests kept by triggers, not by the consumer: a row edited by hand, or by a faulty migration,
 * gets the digest of what it now holds, so anti-entropy sees the damage. The canonical text is
 * contracts' canonicalCart, over the view's jsonb items.
 */
const DIGEST_TRIGGER = `
  CREATE FUNCTION cart_views_digest() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    NEW.digest := converge_digest(NEW.id || '|' || NEW.version || '|' || NEW.owner || '|' || coalesce(
      (SELECT string_agg((e->>'sku') || ':' || (e->>'quantity'), ',' ORDER BY (e->>'sku') COLLATE "C")
         FROM jsonb_array_elements(CASE jsonb_typeof(NEW.items) WHEN 'array' THEN NEW.items ELSE '[]' END) e), ''));
    RETURN NEW;
  END $$`;

/** Folds each row's change into its bucket; a TRUNCATE empties every bucket. */
const FOLD_TRIGGER = `
  CREATE FUNCTION cart_views_fold_digest() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      UPDATE cart_view_digest_buckets SET digest = 0, carts = 0;
    ELSIF TG_OP = 'INSERT' THEN
      UPDATE cart_view_digest_buckets SET digest = digest # NEW.digest, carts = carts + 1 WHERE bucket = NEW.bucket;
    ELSIF TG_OP = 'DELETE' THEN
      UPDATE cart_view_digest_buckets SET digest = digest # OLD.digest, carts = carts - 1 WHERE bucket = OLD.bucket;
    ELSIF OLD.digest <> NEW.digest THEN
      UPDATE cart_view_digest_buckets SET digest = digest # OLD.digest # NEW.digest WHERE bucket = NEW.bucket;
    END IF;
    RETURN NULL;
  END $$`;

export class AddCartViewDigests1732200000600 implements MigrationInterface {
  name = 'AddCartViewDigests1732200000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(DIGEST_FUNCTION_SQL);
    await db.query(`ALTER TABLE cart_views ADD COLUMN bucket char(3) GENERATED ALWAYS AS (${bucketOf('id')}) STORED`);
    await db.query('ALTER TABLE cart_views ADD COLUMN digest bigint');
    await db.query(DIGEST_TRIGGER);
    await db.query(
      'CREATE TRIGGER cart_views_digest BEFORE INSERT OR UPDATE ON cart_views FOR EACH ROW EXECUTE FUNCTION cart_views_digest()',
    );
    await db.query('UPDATE cart_views SET digest = NULL');
    await db.query('ALTER TABLE cart_views ALTER COLUMN digest SET NOT NULL');
    await db.query('CREATE INDEX cart_views_bucket_idx ON cart_views (bucket)');
    for (const sql of createBucketsSql('cart_view_digest_buckets', 'SELECT bucket, digest FROM cart_views')) {
      await db.query(sql);
    }
    await db.query(FOLD_TRIGGER);
    await db.query(
      `CREATE TRIGGER cart_views_fold_digest AFTER INSERT OR UPDATE OR DELETE ON cart_views
       FOR EACH ROW EXECUTE FUNCTION cart_views_fold_digest()`,
    );
    await db.query(
      `CREATE TRIGGER cart_views_fold_truncate AFTER TRUNCATE ON cart_views
       FOR EACH STATEMENT EXECUTE FUNCTION cart_views_fold_digest()`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER cart_views_fold_truncate ON cart_views');
    await db.query('DROP TRIGGER cart_views_fold_digest ON cart_views');
    await db.query('DROP TRIGGER cart_views_digest ON cart_views');
    await db.query('DROP FUNCTION cart_views_fold_digest(), cart_views_digest()');
    await db.query('DROP TABLE cart_view_digest_buckets');
    await db.query('ALTER TABLE cart_views DROP COLUMN digest, DROP COLUMN bucket');
  }
}
