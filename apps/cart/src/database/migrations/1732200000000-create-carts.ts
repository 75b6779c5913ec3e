import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCarts1732200000000 implements MigrationInterface {
  name = 'CreateCarts1732200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE carts (
        id uuid PRIMARY KEY,
        version integer NOT NULL CHECK (version >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE cart_items (
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        sku varchar(64) NOT NULL,
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        PRIMARY KEY (cart_id, sku)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE cart_items');
    await db.query('DROP TABLE carts');
  }
}
