import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Any fixed 64-bit key works; it only has to differ from the keys other mechanisms lock.
const MIGRATION_LOCK_KEY = 4242_0001;

/**
 * Runs pending migrations in one transaction while holding an advisory lock, so two instances
 * starting together do not race to create the same tables.
 */
export async function runMigrationsExclusively(
  dataSource: DataSource,
  logger = new Logger('Migrations'),
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    for (const migration of applied) logger.log(`applied ${migration.name}`);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
