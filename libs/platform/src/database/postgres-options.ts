import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { CONNECTION_LIVENESS, SilenceDroppingClient } from './silent-connections';

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
      statement_timeout: CONNECTION_LIVENESS.statementTimeoutMs,
      // A silent link: the query is given up, its connection dropped, and the server frees the locks.
      query_timeout: CONNECTION_LIVENESS.queryTimeoutMs,
      Client: SilenceDroppingClient,
      idle_in_transaction_session_timeout: CONNECTION_LIVENESS.idleInTransactionMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: CONNECTION_LIVENESS.keepAliveInitialDelayMs,
    },
  };
}

/** The same database URL, naming the connection in pg_stat_activity. */
export function withApplicationName(url: string, applicationName: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', applicationName);
  return named.toString();
}
