import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A client's Idempotency-Key, kept with the answer its write got, per owner: a retry is answered
 * from here instead of changing the cart again. The row commits with the change or not at all.
 * Carts are also indexed by owner, for the per-owner cart cap.
 */
export class CreateIdempotencyKeys1732200000700 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1732200000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE idempotency_keys (
      owner text NOT NULL,
      key text NOT NULL,
      fingerprint text NOT NULL,
      status smallint NOT NULL,
      headers jsonb NOT NULL,
      body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (owner, key)
    )`);
    await db.query('CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)');
    await db.query('CREATE INDEX carts_owner_idx ON carts (owner)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX carts_owner_idx');
    await db.query('DROP TABLE idempotency_keys');
  }
}
