import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CreateParkedEvents1732200000200, ParkedEvents, type VersionedEvent } from '@converge/version-gate';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the parking place of events beyond a gap', () => {
  let db: TestDatabase;
  let client: Client;
  const parking = new ParkedEvents<VersionedEvent>();
  const sql = { query: async (text: string, values?: unknown[]) => (await client.query(text, values)).rows };
  const events = (aggregateId: string, versions: number[]): VersionedEvent[] =>
    versions.map((version) => ({ eventId: randomUUID(), aggregateId, version }));

  beforeAll(async () => {
    db = await createTestDatabase('parked');
    client = new Client({ connectionString: db.url });
    await client.connect();
    await new CreateParkedEvents1732200000200().up(client as unknown as QueryRunner);
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('hands each cart back its lowest versions only, however many wait', async () => {
    const [long, short] = [randomUUID(), randomUUID()];
    await parking.park(
      sql,
      events(
        long,
        Array.from({ length: 150 }, (_, i) => 150 - i),
      ),
      'version-gap',
    );
    await parking.park(sql, events(short, [7, 5]), 'version-gap');
    const loaded = await parking.forAggregates(sql, [long, short], 100);
    expect(loaded.filter((e) => e.aggregateId === long).map((e) => e.version)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(loaded.filter((e) => e.aggregateId === short).map((e) => e.version)).toEqual([5, 7]);
  });

  it('forgets events parked longer than the retention, and only those', async () => {
    const cart = randomUUID();
    await parking.park(sql, events(cart, [3, 4]), 'version-gap');
    await client.query(
      `UPDATE parked_events SET parked_at = now() - interval '2 days' WHERE aggregate_id = $1 AND version = 3`,
      [cart],
    );
    expect(await parking.expire(sql, 24 * 3600 * 1000)).toBe(1);
    expect((await parking.forAggregates(sql, [cart])).map((e) => e.version)).toEqual([4]);
  });
});
