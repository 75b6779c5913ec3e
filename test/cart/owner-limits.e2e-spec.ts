import { eventually } from '../support/eventually';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { bearer, testKafkaBrokers, testSecretsEnv, uniqueName } from '../support/test-env';
import { CartAnswer, CartWriteClient } from './cart-write-client';
import { CartWriteDatabase } from './cart-write-database';

const MAX_CARTS = 3;
const WRITES_PER_SECOND = 10;

const statuses = (answers: CartAnswer[]) => answers.map((answer) => answer.status).sort();

describe('per-owner limits on Cart writes', () => {
  let db: TestDatabase;
  let service: ServiceProcess;
  let database: CartWriteDatabase;
  const ownerClient = (owner: string) => new CartWriteClient(service.url, bearer(owner));

  beforeAll(async () => {
    db = await createTestDatabase('cart_owner_limits');
    service = await ServiceProcess.start('cart', {
      CART_DATABASE_URL: db.url,
      KAFKA_BROKERS: testKafkaBrokers(),
      ...testSecretsEnv(),
      CART_EVENTS_TOPIC: uniqueName('cart.events'),
      OWNER_MAX_CARTS: String(MAX_CARTS),
      OWNER_WRITES_PER_SECOND: String(WRITES_PER_SECOND),
    });
    database = await CartWriteDatabase.connect(db.url);
  });

  afterAll(async () => {
    await database?.close();
    await service?.stop();
    await db?.drop();
  });

  it('lets an owner create OWNER_MAX_CARTS carts, even all at once, then answers 429 OWNER_CART_LIMIT', async () => {
    const api = ownerClient('collector');
    const before = await database.totals();
    const answers = await Promise.all(Array.from({ length: 2 * MAX_CARTS }, () => api.createCart()));

    expect(statuses(answers)).toEqual([...Array(MAX_CARTS).fill(201), ...Array(MAX_CARTS).fill(429)]);
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.body.code).toBe('OWNER_CART_LIMIT');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(await database.totals()).toEqual({ carts: before.carts + MAX_CARTS, outbox: before.outbox + MAX_CARTS });
    // Another owner has places of its own.
    expect((await ownerClient('newcomer').createCart()).status).toBe(201);
  });

  it('answers an owner’s writes past OWNER_WRITES_PER_SECOND with 429 OWNER_WRITE_RATE_LIMIT and Retry-After', async () => {
    const api = ownerClient('hasty');
    const cartId = await api.newCart();
    const answers = await Promise.all(
      Array.from({ length: 3 * WRITES_PER_SECOND }, () => api.addItem(cartId, { sku: 'A', quantity: 1 })),
    );

    const accepted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status !== 200);
    // A second's worth at once, and what refills while the burst is served.
    expect(accepted.length).toBeGreaterThanOrEqual(WRITES_PER_SECOND - 1);
    expect(accepted.length).toBeLessThan(2 * WRITES_PER_SECOND);
    for (const answer of refused) {
      expect({ status: answer.status, code: answer.body.code, retryAfter: answer.headers.get('retry-after') }).toEqual({
        status: 429,
        code: 'OWNER_WRITE_RATE_LIMIT',
        retryAfter: '1',
      });
    }
    // Refused writes wrote nothing.
    const committed = await database.committed(cartId);
    expect(committed.version).toBe(accepted.length);
    expect(committed.outbox).toHaveLength(1 + accepted.length);

    // Another owner is not slowed, and the hasty one may write again after Retry-After.
    const other = ownerClient('patient');
    expect((await other.addItem(await other.newCart(), { sku: 'A', quantity: 1 })).status).toBe(200);
    await eventually(async () => expect((await api.addItem(cartId, { sku: 'A', quantity: 1 })).status).toBe(200));
  });
});
