import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read model enforces ownership on its own, from the owner CartCreated carries. Views built
 * before owners existed get '', which no access token's `sub` can be.
 */
export class AddCartViewOwner1732200000500 implements MigrationInterface {
  name = 'AddCartViewOwner1732200000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cart_views ADD COLUMN owner text NOT NULL DEFAULT ''`);
    await db.query('ALTER TABLE cart_views ALTER COLUMN owner DROP DEFAULT');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE cart_views DROP COLUMN owner');
  }
}
