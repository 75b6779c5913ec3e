import { Client } from 'pg';
import { dropStaleTestDatabases, testDatabaseCreatedAt } from '../support/stale-test-databases';
import { testPostgresUrl, uniqueName } from '../support/test-env';

const HOUR_MS = 60 * 60 * 1000;

async function onServer<T>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const databases = async () =>
  (await onServer<{ datname: string }>('SELECT datname FROM pg_database')).map((row) => row.datname);

describe('test databases a killed run left behind', () => {
  it('are told by the creation time in their name; other names are not test databases', () => {
    const createdAt = Date.parse('2026-01-02T03:04:05Z');
    expect(testDatabaseCreatedAt(uniqueName('cart_query', createdAt))).toBe(createdAt);
    expect(testDatabaseCreatedAt('cart_query')).toBeUndefined();
    expect(testDatabaseCreatedAt('shop_abcdefgh_0123abcd')).toBeUndefined();
  });

  it('are dropped once older than the bound; fresh ones and other databases stay', async () => {
    const stale = uniqueName('harness', Date.now() - 2 * HOUR_MS);
    const fresh = uniqueName('harness');
    const unrelated = `harness_keep_${Date.now().toString(36)}`;
    for (const name of [stale, fresh, unrelated]) await onServer(`CREATE DATABASE "${name}"`);
    try {
      expect(await dropStaleTestDatabases(testPostgresUrl(), HOUR_MS)).toContain(stale);
      const left = await databases();
      expect(left).not.toContain(stale);
      expect(left).toEqual(expect.arrayContaining([fresh, unrelated]));
    } finally {
      for (const name of [stale, fresh, unrelated]) await onServer(`DROP DATABASE IF EXISTS "${name}"`);
    }
  });
});
