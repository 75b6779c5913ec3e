import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export type Migrations = NonNullable<PostgresConnectionOptions['migrations']>;

/** TypeORM options shared by both services: schema only through migrations, bounded waits. */
export function postgresOptions(url: string, migrations: Migrations, poolSize = 20): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    entities: [],
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      // A statement stuck behind a lock fails instead of holding a request or a partition forever.
      statement_timeout: 10000,
      idle_in_transaction_session_timeout: 30000,
    },
  };
}

/** The same database URL, naming the connection in pg_stat_activity. */
export function withApplicationName(url: string, applicationName: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', applicationName);
  return named.toString();
}
