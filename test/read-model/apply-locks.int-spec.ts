import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { lockCartsForApply } from '../../apps/cart-query/src/infrastructure/cart-view.repository';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('two transactions applying one cart whose view does not exist yet', () => {
  let db: TestDatabase;
  const clients: Client[] = [];
  const connect = async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  };
  const sql = (client: Client) => ({
    query: async (text: string, values?: unknown[]) => (await client.query(text, values)).rows,
  });

  beforeAll(async () => {
    db = await createTestDatabase('apply_locks');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
    await db?.drop();
  });

  it('run one after the other: the second waits for the first to end', async () => {
    const [first, second, observer] = [await connect(), await connect(), await connect()];
    const cart = randomUUID();
    await first.query('BEGIN');
    await lockCartsForApply(sql(first), [cart, randomUUID()]);

    await second.query('BEGIN');
    let secondLocked = false;
    const waiting = lockCartsForApply(sql(second), [randomUUID(), cart]).then(() => (secondLocked = true));
    // The barrier: the second transaction is seen waiting on the first's lock.
    await eventually(async () => {
      const { rows } = await observer.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
      );
      expect(rows[0].n).toBe(1);
    });
    expect(secondLocked).toBe(false);

    await first.query('COMMIT');
    await waiting;
    expect(secondLocked).toBe(true);
    await second.query('COMMIT');
  });
});
