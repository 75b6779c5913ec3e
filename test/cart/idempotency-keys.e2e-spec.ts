import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { bearer, testKafkaBrokers, testSecretsEnv, uniqueName } from '../support/test-env';
import { CartAnswer, CartWriteClient } from './cart-write-client';
import { CartWriteDatabase } from './cart-write-database';

/** What a client can compare of two answers: all it was given. */
function answerOf(answer: CartAnswer) {
  return {
    status: answer.status,
    body: answer.body,
    etag: answer.headers.get('etag'),
    token: answer.headers.get('x-session-token'),
    location: answer.headers.get('location'),
  };
}

const keyed = (key: string, headers: Record<string, string> = {}) => ({ 'Idempotency-Key': key, ...headers });

describe('Idempotency-Key on Cart writes', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let shortLived: ServiceProcess;
  let api: CartWriteClient;
  let database: CartWriteDatabase;
  let sql: Client;
  const topic = uniqueName('cart.events');

  beforeAll(async () => {
    db = await createTestDatabase('cart_idempotency');
    const env = {
      CART_DATABASE_URL: db.url,
      KAFKA_BROKERS: testKafkaBrokers(),
      ...testSecretsEnv(),
      CART_EVENTS_TOPIC: topic,
    };
    service = await ServiceProcess.start('cart', env);
    // A second instance on the same database whose keys live 1 s: for expiry and the purge.
    shortLived = await ServiceProcess.start('cart', { ...env, IDEMPOTENCY_KEY_TTL_MS: '1000' });
    api = new CartWriteClient(service.url);
    database = await CartWriteDatabase.connect(db.url);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await database?.close();
    await shortLived?.stop();
    await service?.stop();
    await db?.drop();
  });

  it('answers a retried add-item with the first answer, headers included, and changes the cart once', async () => {
    const cartId = await api.newCart();
    const key = randomUUID();
    const first = await api.addItem(cartId, { sku: 'A', quantity: 2 }, keyed(key));
    const retry = await api.addItem(cartId, { sku: 'A', quantity: 2 }, keyed(key));

    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(answerOf(retry)).toEqual(answerOf(first));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const committed = await database.committed(cartId);
    expect(committed.version).toBe(1);
    expect(committed.items).toEqual([{ sku: 'A', quantity: 2 }]);
    expect(committed.outbox.map((row) => row.payload.type)).toEqual(['CartCreated', 'ItemAdded']);
  });

  it('answers a retried create with the same cart, Location and token, and creates one cart', async () => {
    const key = randomUUID();
    const before = await database.totals();
    const first = await api.createCart(keyed(key));
    const retry = await api.createCart(keyed(key));

    expect(first.status).toBe(201);
    expect(answerOf(retry)).toEqual(answerOf(first));
    expect(first.headers.get('location')).toBe(`/carts/${first.body.id}`);
    expect(await database.totals()).toEqual({ carts: before.carts + 1, outbox: before.outbox + 1 });
  });

  it('keeps the token first answered, whatever token the retry sends', async () => {
    const cartId = await api.newCart();
    const key = randomUUID();
    const first = await api.clearCart(cartId, keyed(key));
    const sessionOfOther = (await api.createCart()).headers.get('x-session-token') ?? '';
    const retry = await api.clearCart(cartId, keyed(key, { 'X-Session-Token': sessionOfOther }));

    expect(answerOf(retry)).toEqual(answerOf(first));
  });

  it('refuses the key with another body (422 IDEMPOTENCY_KEY_REUSED), or another path or method, changing nothing', async () => {
    const cartId = await api.newCart();
    const key = randomUUID();
    await api.addItem(cartId, { sku: 'A', quantity: 1 }, keyed(key));
    const before = { cart: await database.committed(cartId), totals: await database.totals() };

    const refusals = [
      await api.addItem(cartId, { sku: 'A', quantity: 3 }, keyed(key)),
      await api.setItemQuantity(cartId, 'A', { quantity: 1 }, keyed(key)),
      await api.addItem(await api.newCart(), { sku: 'A', quantity: 1 }, keyed(key)),
      await api.createCart(keyed(key)),
    ];

    for (const refused of refusals) {
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    expect(await database.committed(cartId)).toEqual(before.cart);
    // Only the one cart made to be refused on: nothing else.
    expect(await database.totals()).toEqual({ carts: before.totals.carts + 1, outbox: before.totals.outbox + 1 });
  });

  it('applies concurrent requests with one key once: the others wait for it and get its answer', async () => {
    const cartId = await api.newCart();
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api.addItem(cartId, { sku: 'A', quantity: 1 }, keyed(key))),
    );

    for (const answer of answers) expect(answerOf(answer)).toEqual(answerOf(answers[0]));
    expect(answers[0].status).toBe(200);
    const committed = await database.committed(cartId);
    expect({ version: committed.version, items: committed.items }).toEqual({
      version: 1,
      items: [{ sku: 'A', quantity: 1 }],
    });
  });

  it('keeps keys per owner: another owner’s request with the same key is its own', async () => {
    const key = randomUUID();
    const mine = await api.createCart(keyed(key));
    const theirs = await new CartWriteClient(service.url, bearer('another-owner')).createCart(keyed(key));

    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('records no answer for a refused write: the retry is judged again', async () => {
    const cartId = await api.newCart();
    const key = randomUUID();
    const refused = await api.removeItem(cartId, 'A', keyed(key));
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 404, code: 'LINE_NOT_FOUND' });
    await api.addItem(cartId, { sku: 'A', quantity: 1 });

    const retry = await api.removeItem(cartId, 'A', keyed(key));
    expect({ status: retry.status, version: retry.body.version, items: retry.body.items }).toEqual({
      status: 200,
      version: 2,
      items: [],
    });
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'a key'],
    ['repeated', 'a, b'],
  ])('refuses a key that is %s with 400 INVALID_IDEMPOTENCY_KEY, writing nothing', async (_, key) => {
    const cartId = await api.newCart();
    const before = { cart: await database.committed(cartId), totals: await database.totals() };
    const refused = await api.addItem(cartId, { sku: 'A', quantity: 1 }, keyed(key));

    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 400,
      code: 'INVALID_IDEMPOTENCY_KEY',
    });
    expect({ cart: await database.committed(cartId), totals: await database.totals() }).toEqual(before);
  });

  it('treats an expired key as new, and purges it', async () => {
    const client = new CartWriteClient(shortLived.url);
    const cartId = await client.newCart();
    const key = randomUUID();
    const first = await client.addItem(cartId, { sku: 'A', quantity: 1 }, keyed(key));
    expect(first.status).toBe(200);
    // Expired, or already purged (the purge runs every TTL, so it may come first): either way no longer live.
    const live = async () =>
      (await sql.query('SELECT 1 FROM idempotency_keys WHERE key = $1 AND expires_at > now()', [key])).rowCount === 1;
    await eventually(async () => expect(await live()).toBe(false));

    const later = await client.addItem(cartId, { sku: 'A', quantity: 1 }, keyed(key));
    expect({ status: later.status, version: later.body.version, items: later.body.items }).toEqual({
      status: 200,
      version: 2,
      items: [{ sku: 'A', quantity: 2 }],
    });
    expect(later.headers.get('idempotent-replayed')).toBeNull();

    // Taken over by the new write; once it too expires, the purge deletes it.
    await eventually(async () => {
      const { rowCount } = await sql.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
      expect(rowCount).toBe(0);
    }, 30_000);
  });
});
