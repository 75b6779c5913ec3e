import { Client } from 'pg';
import { KafkajsEventBroker } from '@converge/kafka';
import { DEFAULT_OUTBOX_LOCK_KEY, OUTBOX_NOTIFY_CHANNEL } from '@converge/outbox';
import { CartClient, type CartBody } from '../support/cart-client';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';
import { testKafkaBrokers, uniqueName } from '../support/test-env';

const RELAY_LEADERS = `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ${DEFAULT_OUTBOX_LOCK_KEY}
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

async function converged(write: CartClient, read: CartClient, cartIds: string[]): Promise<void> {
  await eventually(async () => {
    for (const cartId of cartIds) {
      const [expected, actual] = await Promise.all([write.getCart(cartId), read.getCart(cartId)]);
      expect(actual.status).toBe(200);
      expect(actual.body).toEqual(expected.body);
    }
  }, 30_000);
}

describe('a write propagates from Cart to Cart-Query', () => {
  describe('one Cart, one Cart-Query', () => {
    let stack: TestStack;
    let write: CartClient;
    let read: CartClient;

    beforeAll(async () => {
      stack = await TestStack.start();
      write = new CartClient(stack.cart[0].url);
      read = new CartClient(stack.query[0].url);
    });
    afterAll(() => stack?.stop());

    it('a read with the session token right after a write sees that write, 100 times in a row', async () => {
      const created = await write.createCart();
      let token = created.token;
      const seen: number[] = [];
      for (let i = 0; i < 100; i++) {
        const written = await write.addItem(created.body.id, `sku-${i % 7}`, 1, token);
        expect(written.status).toBe(200);
        const answer = await read.getCart(created.body.id, written.token);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(written.body);
        seen.push(answer.body.version);
        token = answer.token;
      }
      expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it('a read without a token may lag, and converges to the write model', async () => {
      const carts = await Promise.all(Array.from({ length: 10 }, () => write.createCart()));
      const ids = carts.map((c) => c.body.id);
      await Promise.all(ids.map((id, i) => write.addItem(id, 'apple', i + 1)));
      await Promise.all(ids.map((id) => write.setQuantity(id, 'pear', 3)));
      await Promise.all(ids.map((id) => write.removeItem(id, 'apple')));
      await converged(write, read, ids);
      for (const id of ids) {
        expect((await read.getCart(id)).body).toMatchObject({ version: 3, items: [{ sku: 'pear', quantity: 3 }] });
      }
    });

    it('a cleared cart empties in the read model, and a read with the token sees it at once', async () => {
      const created = await write.createCart();
      const id = created.body.id;
      await write.addItem(id, 'apple', 2);
      await write.addItem(id, 'pear', 1);
      const cleared = await write.clearCart(id, created.token);
      expect(cleared.body).toMatchObject({ version: 3, items: [] });
      const answer = await read.getCart(id, cleared.token);
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: cleared.body });
      const again = await write.clearCart(id);
      expect(again.body).toEqual(cleared.body);
      await converged(write, read, [id]);
    });
  });

  describe('two Cart instances sharing one database', () => {
    let stack: TestStack;
    let lockSql: Client;
    const leaders = async () =>
      (await lockSql.query<{ application_name: string }>(RELAY_LEADERS)).rows.map((row) => row.application_name);

    beforeAll(async () => {
      stack = await TestStack.start({ carts: 2 });
      lockSql = new Client({ connectionString: stack.cartDb.url });
      await lockSql.connect();
    });
    afterAll(async () => {
      await lockSql?.end();
      await stack?.stop();
    });

    it('elect one relay leader, publish each cart in version order, and converge', async () => {
      expect(await leaders()).toHaveLength(1);
      const published = new Map<string, number[]>();
      const watcher = new KafkajsEventBroker({
        clientId: 'order-watch',
        brokers: testKafkaBrokers().split(','),
        logLevel: 'error',
      });
      await watcher.subscribe({
        topic: stack.topic,
        groupId: uniqueName('order-watch'),
        handleBatch: async (batch) => {
          for (const message of batch.messages) {
            const event = JSON.parse(message.value?.toString() ?? '{}') as { cartId: string; version: number };
            published.set(event.cartId, [...(published.get(event.cartId) ?? []), event.version]);
          }
        },
      });
      try {
        const [a, b] = stack.cart.map((service) => new CartClient(service.url));
        const carts = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).createCart()));
        const ids = carts.map((c) => c.body.id);
        // Both instances write to every cart at once: the writes serialise on each cart's row.
        await Promise.all(
          ids.flatMap((id) => Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).addItem(id, `s${i % 3}`, 1))),
        );
        const read = new CartClient(stack.query[0].url);
        await converged(a, read, ids);
        await eventually(async () => {
          for (const id of ids) expect(firstOccurrences(published.get(id) ?? [])).toEqual(range(11));
        });
        for (const id of ids) expect(isNonDecreasing(published.get(id) ?? [])).toBe(true);
        expect((await read.getCart(ids[0])).body.items.reduce((n, line) => n + line.quantity, 0)).toBe(10);
      } finally {
        await watcher.disconnect();
      }
    });

    it("NOTIFY only from a standby's writes: the leader's own relay is woken in-process", async () => {
      const [leader] = await leaders();
      const leading = stack.cart.find((service) => leader === `cart-outbox-relay-${service.pid}`);
      const standby = stack.cart.find((service) => service !== leading);
      if (!leading || !standby) throw new Error(`no leader among the Cart instances (${leader})`);
      const listener = new Client({ connectionString: stack.cartDb.url });
      await listener.connect();
      try {
        let notified = 0;
        listener.on('notification', (message) => {
          if (message.channel === OUTBOX_NOTIFY_CHANNEL) notified++;
        });
        await listener.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
        const [viaLeader, viaStandby] = [new CartClient(leading.url), new CartClient(standby.url)];
        const created = await viaLeader.createCart();
        expect((await viaLeader.addItem(created.body.id, 'apple', 1)).status).toBe(200);
        expect((await viaStandby.addItem(created.body.id, 'pear', 1)).status).toBe(200);
        // Notifications arrive in commit order: had the leader's writes sent one, it would come first.
        await eventually(async () => expect(notified).toBeGreaterThanOrEqual(1));
        expect(notified).toBe(1);
        await converged(viaLeader, new CartClient(stack.query[0].url), [created.body.id]);
      } finally {
        await listener.end();
      }
    });

    it('a standby relay takes over within seconds when the leader dies', async () => {
      const [leader] = await leaders();
      const leading = stack.cart.find((service) => leader === `cart-outbox-relay-${service.pid}`);
      const standby = stack.cart.find((service) => service !== leading);
      if (!leading || !standby) throw new Error(`no leader among the Cart instances (${leader})`);
      await leading.stop('SIGKILL');
      const survivor = new CartClient(standby.url);
      const cart = await survivor.createCart();
      const added = await survivor.addItem(cart.body.id, 'after-failover', 2);
      const read = new CartClient(stack.query[0].url);
      const started = Date.now();
      const answer = await eventually(async () => {
        const got = await read.getCart(cart.body.id, added.token);
        if (got.status !== 200) throw new Error(`status ${got.status}`);
        return got;
      }, 20_000);
      expect(answer.body).toEqual(added.body as CartBody);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await leaders()).toEqual([`cart-outbox-relay-${standby.pid}`]);
    });
  });

  it('reads stay monotonic when a session moves between two Cart-Query instances', async () => {
    const stack = await TestStack.start({ queries: 2 });
    try {
      const write = new CartClient(stack.cart[0].url);
      const readers = stack.query.map((service) => new CartClient(service.url));
      const cart = await write.createCart();
      let token = cart.token;
      const versions: number[] = [];
      const writes = (async () => {
        for (let i = 0; i < 30; i++) await write.addItem(cart.body.id, 'x', 1);
      })();
      for (let i = 0; i < 60; i++) {
        const answer = await readers[i % 2].getCart(cart.body.id, token);
        if (answer.status !== 200) continue;
        versions.push(answer.body.version);
        token = answer.token;
      }
      await writes;
      expect(versions.length).toBeGreaterThan(0);
      expect(isNonDecreasing(versions)).toBe(true);
    } finally {
      await stack.stop();
    }
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function firstOccurrences(versions: number[]): number[] {
  return [...new Set(versions)];
}

function isNonDecreasing(values: number[]): boolean {
  return values.every((value, i) => i === 0 || value >= values[i - 1]);
}
