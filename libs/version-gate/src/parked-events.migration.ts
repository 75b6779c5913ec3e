import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Events that arrived beyond a version gap wait here, in the consuming service's own database. */
export class CreateParkedEvents1732200000200 implements MigrationInterface {
  name = 'CreateParkedEvents1732200000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE parked_events (
        event_id uuid PRIMARY KEY,
        aggregate_id uuid NOT NULL,
        version integer NOT NULL,
        event jsonb NOT NULL,
        reason text NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX parked_events_aggregate_idx ON parked_events (aggregate_id, version)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE parked_events');
  }
}
