import { Client } from 'pg';
import { testPostgresUrl, uniqueName } from './test-env';

export interface TestDatabase {
  url: string;
  /** Refuses new connections and ends the open ones (true), or lets connections in again (false). */
  setClosed(closed: boolean): Promise<void>;
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Closes the database for certain: renaming it waits for the sessions that hold it (ending them
 * first makes that quick), and a connection half-way through its start-up, past the
 * ALLOW_CONNECTIONS check but not yet listed as a session, finds the name gone once it locks
 * the database. Turning ALLOW_CONNECTIONS off and ending sessions alone leaves that window open.
 */
async function close(client: Client, name: string): Promise<void> {
  await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  for (let attempt = 0; ; attempt++) {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    try {
      await client.query(`ALTER DATABASE "${name}" RENAME TO "${closedName(name)}"`);
      return;
    } catch (error) {
      // 55006: still in use by a session that has not ended yet.
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
    }
  }
}

async function reopen(client: Client, name: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [closedName(name)]);
  if (rowCount) await client.query(`ALTER DATABASE "${closedName(name)}" RENAME TO "${name}"`);
  await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
}

/** Still a name uniqueName made, so a killed run's closed database is dropped as stale too. */
const closedName = (name: string) => `closed_${name}`;

/** A fresh, empty database of the test's own on the test server. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    setClosed: (closed) => onServer((client) => (closed ? close(client, name) : reopen(client, name))),
    drop: () =>
      onServer(async (client) => {
        for (const each of [name, closedName(name)])
          await client.query(`DROP DATABASE IF EXISTS "${each}" WITH (FORCE)`);
      }),
  };
}
