import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox lives in the writing service's own database, so an event commits or rolls back
 * with the change it describes. A service lists this migration among its own.
 */
export class CreateOutbox1732200000100 implements MigrationInterface {
  name = 'CreateOutbox1732200000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        topic text NOT NULL,
        message_key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    // The relay's work queue: only unpublished rows, in id order.
    await db.query('CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL');
    // Retention clean-up of published rows.
    await db.query('CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE outbox');
  }
}

/**
 * The relay's fencing tokens: each leader takes the next value as its term begins, while holding
 * the lock, so a later term's token is always the higher one. Published in a header on every
 * message, it tells which term sent what.
 */
export class CreateOutboxRelayEpochs1732200000800 implements MigrationInterface {
  name = 'CreateOutboxRelayEpochs1732200000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE SEQUENCE outbox_relay_epochs');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP SEQUENCE outbox_relay_epochs');
  }
}
