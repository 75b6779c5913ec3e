import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CART_EVENTS_PARTITIONS, type CartEvent } from '@converge/contracts';
import { type InboundMessage, KafkajsEventBroker } from '@converge/kafka';
import { SessionToken, SessionTokenCodec } from '@converge/session-token';
import { asMessage, CartEventStream } from '../support/cart-event-stream';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { bearer, TEST_SESSION_SECRET, testKafkaBrokers, testSecretsEnv, uniqueName } from '../support/test-env';

type CartBody = { id: string; version: number; items: Array<{ sku: string; quantity: number }>; updatedAt: string };
const SESSION_WAIT_MS = 800;

describe('Cart-Query applies events from the topic exactly once and in order', () => {
  const codec = new SessionTokenCodec(TEST_SESSION_SECRET);
  const topic = uniqueName('cart.events');
  let db: TestDatabase;
  let sql: Client;
  let broker: KafkajsEventBroker;
  let service: ServiceProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('cart_query');
    broker = new KafkajsEventBroker({
      clientId: 'test-producer',
      brokers: testKafkaBrokers().split(','),
      logLevel: 'error',
    });
    await broker.ensureTopics([
      { name: topic, partitions: CART_EVENTS_PARTITIONS },
      { name: `${topic}.dlq`, partitions: 1 },
    ]);
    env = {
      CART_QUERY_DATABASE_URL: db.url,
      KAFKA_BROKERS: testKafkaBrokers(),
      ...testSecretsEnv(),
      CART_EVENTS_TOPIC: topic,
      CART_QUERY_GROUP_ID: uniqueName('cart-query'),
      SESSION_WAIT_MS: String(SESSION_WAIT_MS),
    };
    service = await ServiceProcess.start('cart-query', env);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await service?.stop();
    await sql?.end();
    await broker?.disconnect();
    await db?.drop();
  });

  const publish = (...events: Parameters<typeof asMessage>[0][]) => broker.publish(topic, events.map(asMessage));
  const read = (cartId: string, token?: string, url = service.url) =>
    requestJson<CartBody>(`${url}/carts/${cartId}`, {
      headers: { Authorization: bearer(), ...(token ? { 'X-Session-Token': token } : {}) },
    });
  const readVersion = (cartId: string, version: number) =>
    eventually(async () => {
      const { status, body } = await read(cartId);
      if (status !== 200 || body.version < version) throw new Error(`at ${status} v${body?.version}`);
      return body;
    });
  const tokenFor = (cartId: string, version: number) => codec.encode(SessionToken.empty().require(cartId, version));
  const parkedIds = async () =>
    (await sql.query<{ event_id: string }>('SELECT event_id FROM parked_events')).rows.map((r) => r.event_id);

  it('builds the cart from its events, the same body the write side answers', async () => {
    const cart = new CartEventStream();
    await publish(cart.created(), cart.added('b-2', 2), cart.added('a-1', 1), cart.added('b-2', 5));
    const body = await readVersion(cart.cartId, 3);
    expect(body).toEqual({ id: cart.cartId, version: 3, items: cart.items, updatedAt: expect.any(String) });
    expect(body.items).toEqual([
      { sku: 'a-1', quantity: 1 },
      { sku: 'b-2', quantity: 7 },
    ]);
  });

  it('answers 404 for an unknown cart and 400 for an id that is not a UUID', async () => {
    expect((await read(randomUUID())).status).toBe(404);
    const bad = await read('not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_CART_ID', error: 'Bad Request' });
  });

  it('skips redelivered events and stale versions under new ids, changing nothing', async () => {
    const cart = new CartEventStream();
    const created = cart.created();
    const first = cart.added('sku', 10);
    await publish(created, first);
    await readVersion(cart.cartId, 1);

    const forgedStale = {
      ...first,
      eventId: randomUUID(),
      payload: { sku: 'sku', quantity: 500, lineQuantity: 999 },
    } as CartEvent;
    const next = cart.added('sku', 1);
    await publish(first, created, forgedStale, first, next);

    const body = await readVersion(cart.cartId, 2);
    expect(body.items).toEqual([{ sku: 'sku', quantity: 11 }]);
    const processed = await sql.query('SELECT count(*)::int AS n FROM processed_events WHERE event_id = ANY($1)', [
      [created.eventId, first.eventId, next.eventId, forgedStale.eventId],
    ]);
    expect(processed.rows[0].n).toBe(4);
  });

  it('parks an event beyond a gap and applies it once its predecessor arrives', async () => {
    const cart = new CartEventStream();
    const created = cart.created();
    const two = [cart.added('x', 1), cart.added('x', 2)];
    const [v1, v2] = two;
    const v3 = cart.added('y', 3);
    await publish(created, v1, v3);
    await eventually(async () => expect(await parkedIds()).toContain(v3.eventId));
    expect((await read(cart.cartId)).body.version).toBe(1);

    await publish(v2);
    const body = await readVersion(cart.cartId, 3);
    expect(body.items).toEqual([
      { sku: 'x', quantity: 3 },
      { sku: 'y', quantity: 3 },
    ]);
    expect(await parkedIds()).not.toContain(v3.eventId);
  });

  it('dead-letters poison with its reason and keeps the partition flowing', async () => {
    const cart = new CartEventStream();
    const dlq: InboundMessage[] = [];
    const watcher = new KafkajsEventBroker({
      clientId: 'dlq-watch',
      brokers: testKafkaBrokers().split(','),
      logLevel: 'error',
    });
    await watcher.subscribe({
      topic: `${topic}.dlq`,
      groupId: uniqueName('dlq-watch'),
      handleBatch: async (batch) => void dlq.push(...batch.messages),
    });
    try {
      const created = cart.created();
      const unknownType = { ...cart.added('z', 1), type: 'ItemStolen' };
      await broker.publish(topic, [
        asMessage(created),
        { key: cart.cartId, value: '{not json' },
        { key: cart.cartId, value: JSON.stringify(unknownType) },
        { key: cart.cartId, value: JSON.stringify({ ...created, eventId: randomUUID(), version: 'one' }) },
        { key: randomUUID(), value: JSON.stringify(cart.added('wrong-key', 1)) },
      ]);
      await eventually(() => Promise.resolve(expect(dlq).toHaveLength(4)));
      expect(dlq.map((m) => m.headers['dlq-reason']).sort()).toEqual(
        ['key-mismatch', 'not-json', 'schema-violation', 'unknown-type'].sort(),
      );
      expect(dlq[0].headers['dlq-original-topic']).toBe(topic);

      // The versions used by the poison are still free: the cart goes on from version 1.
      const fresh = new CartEventStream();
      await publish(fresh.created(), fresh.added('after-poison', 1));
      await readVersion(fresh.cartId, 1);
      expect((await read(cart.cartId)).body.version).toBe(0);
    } finally {
      await watcher.disconnect();
    }
  });

  it('dead-letters poison that only just fits on the topic, and the partition keeps flowing', async () => {
    const cart = new CartEventStream();
    const letters: InboundMessage[] = [];
    const watcher = new KafkajsEventBroker({
      clientId: 'dlq-big',
      brokers: testKafkaBrokers().split(','),
      logLevel: 'error',
    });
    await watcher.subscribe({
      topic: `${topic}.dlq`,
      groupId: uniqueName('dlq-big'),
      handleBatch: async (batch) => void letters.push(...batch.messages),
    });
    try {
      // Its copy plus the dlq-* headers would not fit under the broker's 1 MiB limit uncut.
      const huge = Buffer.alloc(1_048_000, 0x7b);
      await broker.publish(topic, [asMessage(cart.created()), { key: cart.cartId, value: huge }]);
      await publish(cart.added('after-huge', 1));
      await readVersion(cart.cartId, 1);
      await eventually(() => Promise.resolve(expect(letters.some((m) => m.key === cart.cartId)).toBe(true)));
      const letter = letters.find((m) => m.key === cart.cartId);
      expect(letter?.headers).toMatchObject({ 'dlq-truncated': 'true', 'dlq-original-bytes': '1048000' });
    } finally {
      await watcher.disconnect();
    }
  });

  describe('read-your-writes', () => {
    it('waits for the version a session token requires, then answers it with a covering token', async () => {
      const cart = new CartEventStream();
      await publish(cart.created());
      await readVersion(cart.cartId, 0);

      const pending = read(cart.cartId, tokenFor(cart.cartId, 2));
      await publish(cart.added('a', 1), cart.added('a', 1));
      const { status, body, headers } = await pending;
      expect(status).toBe(200);
      expect(body.version).toBe(2);
      const returned = codec.decode(headers.get('x-session-token') ?? '');
      expect(returned.minVersion(cart.cartId)).toBe(2);
    });

    it('answers 503 with Retry-After, never a stale body, when the version does not arrive in time', async () => {
      const cart = new CartEventStream();
      await publish(cart.created());
      await readVersion(cart.cartId, 0);
      const started = Date.now();
      const { status, body, headers } = await read(cart.cartId, tokenFor(cart.cartId, 5));
      const waited = Date.now() - started;
      expect(status).toBe(503);
      expect(headers.get('retry-after')).toBe('1');
      expect(body).toMatchObject({ code: 'READ_MODEL_BEHIND' });
      expect(waited).toBeGreaterThanOrEqual(SESSION_WAIT_MS - 50);
      expect(waited).toBeLessThan(SESSION_WAIT_MS + 2000);
    });

    it('keeps versions of other carts in the token it returns', async () => {
      const cart = new CartEventStream();
      await publish(cart.created());
      await readVersion(cart.cartId, 0);
      const other = randomUUID();
      const token = codec.encode(SessionToken.empty().require(other, 7));
      const { headers } = await read(cart.cartId, token);
      const returned = codec.decode(headers.get('x-session-token') ?? '');
      expect(returned.minVersion(other)).toBe(7);
      expect(returned.minVersion(cart.cartId)).toBe(0);
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['a forged signature', `${tokenFor(randomUUID(), 1).split('.')[0]}.AAAA`],
      ['another secret', new SessionTokenCodec('another-secret-another-secret-another').encode(SessionToken.empty())],
    ])('rejects %s with 400', async (_name, token) => {
      const { status, body } = await read(randomUUID(), token);
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 'SESSION_TOKEN_INVALID' });
    });
  });

  it('converges after being killed mid-stream, applying nothing twice', async () => {
    const carts = Array.from({ length: 20 }, () => new CartEventStream());
    const events = carts.flatMap((cart) => [
      cart.created(),
      ...Array.from({ length: 30 }, (_, i) => cart.added(`s${i % 4}`, 1)),
    ]);
    const half = events.length / 2;
    await publish(...events.slice(0, half));
    await eventually(async () => {
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM processed_events');
      if (rows[0].n < 50) throw new Error('not started');
    });
    await service.stop('SIGKILL');
    await publish(...events.slice(half));
    service = await ServiceProcess.start('cart-query', env);
    for (const cart of carts) {
      const body = await readVersion(cart.cartId, cart.currentVersion);
      expect(body).toMatchObject({ version: 30, items: cart.items });
    }
  });
});
