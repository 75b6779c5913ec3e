import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * now() is the transaction's start; clock_timestamp() at the insert, the last statement before
 * COMMIT, is within a millisecond of when the event took effect: what propagation lag measures.
 */
export class StampProcessedEventsAtCommit1732200000400 implements MigrationInterface {
  name = 'StampProcessedEventsAtCommit1732200000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE processed_events ALTER COLUMN processed_at SET DEFAULT clock_timestamp()');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE processed_events ALTER COLUMN processed_at SET DEFAULT now()');
  }
}
