import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per partition of the events topic, the latest watermark applied: the read model holds every
 * event of that partition's carts committed on the write side before it. Written in the
 * transaction that applies the data before it, so it is never ahead of the views.
 */
export class CreatePartitionWatermarks1732200000800 implements MigrationInterface {
  name = 'CreatePartitionWatermarks1732200000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE partition_watermarks (
        topic text NOT NULL,
        partition integer NOT NULL,
        watermark timestamptz NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE partition_watermarks');
  }
}
