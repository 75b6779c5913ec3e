import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every cart has an owner from now on. Carts created before owners existed get '', which no
 * access token's `sub` can be: they stay, but nobody can reach them through the API.
 */
export class AddCartOwner1732200000500 implements MigrationInterface {
  name = 'AddCartOwner1732200000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE carts ADD COLUMN owner text NOT NULL DEFAULT ''`);
    await db.query('ALTER TABLE carts ALTER COLUMN owner DROP DEFAULT');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE carts DROP COLUMN owner');
  }
}
