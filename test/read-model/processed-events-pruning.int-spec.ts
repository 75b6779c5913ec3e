import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CreateProcessedEvents1732200000300, IdempotentConsumer } from '@converge/idempotent-consumer';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('pruning processed event ids', () => {
  let db: TestDatabase;
  let sql: Client;
  const consumer = new IdempotentConsumer();

  beforeAll(async () => {
    db = await createTestDatabase('pruning');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await new CreateProcessedEvents1732200000300().up(sql as unknown as QueryRunner);
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it('removes every id older than the window, however many batches it takes, and keeps the rest', async () => {
    await sql.query(
      `INSERT INTO processed_events (event_id, processed_at)
       SELECT gen_random_uuid(), now() - interval '2 days' FROM generate_series(1, 25)`,
    );
    await sql.query('INSERT INTO processed_events (event_id) SELECT gen_random_uuid() FROM generate_series(1, 3)');
    const removed = await consumer.pruneAll(
      { query: async (text, values) => (await sql.query(text, values)).rows },
      24 * 3600 * 1000,
      10,
    );
    expect(removed).toBe(25);
    const { rows } = await sql.query<{ count: number }>('SELECT count(*)::int AS count FROM processed_events');
    expect(rows[0].count).toBe(3);
  });
});
