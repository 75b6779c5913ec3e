import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCartViews1732200000000 implements MigrationInterface {
  name = 'CreateCartViews1732200000000';

  async up(db: QueryRunner): Promise<void> {
    // One row per cart: a read is a primary-key lookup, items kept sorted by sku.
    await db.query(`
      CREATE TABLE cart_views (
        id uuid PRIMARY KEY,
        version integer NOT NULL CHECK (version >= 0),
        items jsonb NOT NULL DEFAULT '[]',
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE cart_views');
  }
}
