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
  });
});
