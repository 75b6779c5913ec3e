import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What was dead-lettered, kept where an operator can list it by reason, send it again to its
 * topic, or discard it with a record of who did. The copy on the dead-letter topic stays too.
 */
export class CreateDeadLetters1732200000700 implements MigrationInterface {
  name = 'CreateDeadLetters1732200000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_topic text NOT NULL,
        source_partition integer NOT NULL,
        source_offset text NOT NULL,
        message_key text NOT NULL,
        value bytea NOT NULL,
        headers jsonb NOT NULL,
        reason text NOT NULL,
        detail text NOT NULL,
        redrive_count integer NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'redriven', 'discarded')),
        dead_lettered_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz,
        settled_by text,
        UNIQUE (source_topic, source_partition, source_offset)
      )`);
    await db.query(`CREATE INDEX dead_letters_pending_idx ON dead_letters (reason, id) WHERE status = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE dead_letters');
  }
}
