import { Client } from 'pg';

/** A database named by `uniqueName`: its prefix, its creation time in base 36, a random suffix. */
const TEST_DATABASE_NAME = /^[a-z][a-z0-9_]*_([0-9a-z]{8,9})_[0-9a-f]{8}$/;
/** Before this, a "creation time" is not one uniqueName wrote: the name is someone else's. */
const FIRST_TEST_RUN = Date.parse('2024-01-01T00:00:00Z');

/** When uniqueName made this database name; undefined for a name it did not make. */
export function testDatabaseCreatedAt(name: string): number | undefined {
  const stamp = TEST_DATABASE_NAME.exec(name)?.[1];
  if (stamp === undefined) return undefined;
  const createdAt = parseInt(stamp, 36);
  return createdAt >= FIRST_TEST_RUN ? createdAt : undefined;
}

/**
 * Drops the test databases a killed run left behind (a test's own clean-up never ran). Only
 * names uniqueName made, and only older than any run lasts, so a run going on beside is safe.
 */
export async function dropStaleTestDatabases(
  serverUrl: string,
  olderThanMs: number,
  now = Date.now(),
): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate');
    const stale = rows
      .map((row) => row.datname)
      .filter((name) => (testDatabaseCreatedAt(name) ?? now) < now - olderThanMs);
    for (const name of stale) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return stale;
  } finally {
    await client.end();
  }
}
