import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { KafkajsEventBroker } from '@converge/kafka';
import { postgresOptions, runMigrationsExclusively } from '@converge/platform';
import { cartMigrations } from '../../apps/cart/src/database/migrations';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { testKafkaBrokers, uniqueName } from '../support/test-env';

describe('the test infrastructure is real', () => {
  it('Kafka: a produced message is consumed back from a real broker', async () => {
    const broker = new KafkajsEventBroker({
      clientId: 'harness',
      brokers: testKafkaBrokers().split(','),
      logLevel: 'error',
    });
    const topic = uniqueName('harness');
    try {
      await broker.ensureTopics([{ name: topic, partitions: 3 }]);
      const received = new Promise<string>((resolve) => {
        void broker.subscribe({
          topic,
          groupId: uniqueName('harness-group'),
          handleBatch: async (batch) => resolve(batch.messages[0].value?.toString() ?? ''),
        });
      });
      await broker.publish(topic, [{ key: 'k', value: 'hello from a real broker' }]);
      await expect(received).resolves.toBe('hello from a real broker');
    } finally {
      await broker.disconnect();
    }
  });

  describe('PostgreSQL', () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      database = await createTestDatabase('harness');
      dataSource = await new DataSource(postgresOptions(database.url, cartMigrations, 2)).initialize();
    });

    afterAll(async () => {
      await dataSource.destroy();
      await database.drop();
    });

    it('is a real server on which the migrations create the tables', async () => {
      const [{ version }] = await dataSource.query('SELECT version()');
      expect(version).toMatch(/^PostgreSQL \d+/);
      await runMigrationsExclusively(dataSource);
      const tables = await dataSource.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(
        expect.arrayContaining(['cart_items', 'carts', 'schema_migrations']),
      );
    });

    it('runs migrations once when two instances start together on an empty database', async () => {
      const fresh = await createTestDatabase('harness_race');
      const instances = await Promise.all(
        [1, 2].map(() => new DataSource(postgresOptions(fresh.url, cartMigrations, 2)).initialize()),
      );
      try {
        await Promise.all(instances.map((instance) => runMigrationsExclusively(instance)));
        const applied = await instances[0].query('SELECT name FROM schema_migrations');
        expect(applied).toHaveLength(cartMigrations.length);
      } finally {
        await Promise.all(instances.map((instance) => instance.destroy()));
        await fresh.drop();
      }
    });

    it('closes a database for certain: no connection opened while it closes outlives the closing', async () => {
      const closing = await createTestDatabase('harness_closed');
      const connected: Client[] = [];
      let churning = true;
      // Connections opened back to back while it closes: one half-way through its start-up must not slip by.
      const churn = async () => {
        while (churning) {
          const client = new Client({ connectionString: closing.url });
          client.on('error', () => undefined);
          const ok = await client.connect().then(
            () => true,
            () => false,
          );
          if (ok) connected.push(client);
        }
      };
      const churners = Array.from({ length: 6 }, churn);
      try {
        await closing.setClosed(true);
        churning = false;
        await Promise.all(churners);
        const answered = await Promise.all(
          connected.map((client) =>
            client.query('SELECT 1').then(
              () => true,
              () => false,
            ),
          ),
        );
        expect(answered.filter(Boolean)).toEqual([]);
        const late = new Client({ connectionString: closing.url });
        await expect(late.connect()).rejects.toMatchObject({ code: '3D000' });
        await closing.setClosed(false);
        const reopened = new Client({ connectionString: closing.url });
        await reopened.connect();
        await expect(reopened.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
        await reopened.end();
      } finally {
        churning = false;
        await Promise.all(connected.map((client) => client.end().catch(() => undefined)));
        await closing.drop();
      }
    });
  });
});
