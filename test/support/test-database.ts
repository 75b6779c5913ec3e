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
 * Ends every session on the database. A connection whose start-up passed the ALLOW_CONNECTIONS
 * check just before it was turned off is not listed yet at the first look, and would live on:
 * so look again, until three looks 50 ms apart in a row find none.
 */
async function terminateAll(client: Client, name: string): Promise<void> {
  let quiet = 0;
  for (let attempt = 0; attempt < 200 && quiet < 3; attempt++) {
    const { rows } = await client.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    quiet = rows.length === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (quiet < 3) throw new Error(`sessions on ${name} would not end`);
}

/** A fresh, empty database of the test's own on the test server. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    setClosed: (closed) =>
      onServer(async (client) => {
        await client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${closed ? 'false' : 'true'}`);
        if (closed) await terminateAll(client, name);
      }),
    drop: () =>
      onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
