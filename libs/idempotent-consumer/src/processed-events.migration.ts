import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Ids of events already applied, recorded in the same transaction as their effect. */
export class CreateProcessedEvents1732200000300 implements MigrationInterface {
  name = 'CreateProcessedEvents1732200000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE processed_events (
        event_id uuid PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX processed_events_processed_at_idx ON processed_events (processed_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE processed_events');
  }
}
