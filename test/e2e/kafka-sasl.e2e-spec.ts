import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkajsEventBroker } from '@converge/kafka';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { freePort, ServiceProcess } from '../support/service-process';
import { createTestDatabase } from '../support/test-database';
import { testSecretsEnv } from '../support/test-env';

/**
 * A broker of this test's own (infra/kafka/kafka.sh with KAFKA_SASL=scram): SCRAM-SHA-512 users and
 * the ACLs of infra/kafka/access.txt, so the topics are the deployments' (cart.events) and each
 * service connects as its own user, allowed only what it does.
 */
const BROKERS = '127.0.0.1:19092';
const kafkaScript = join(__dirname, '..', '..', 'infra', 'kafka', 'kafka.sh');
const USERS = ['admin', 'cart', 'cart-query', 'studio'] as const;
type User = (typeof USERS)[number];
const passwords = Object.fromEntries(USERS.map((user) => [user, randomBytes(12).toString('hex')])) as Record<
  User,
  string
>;
/** Generous: the broker and three services start on a machine the other tests keep busy. */
const STARTUP_MS = 90_000;
const stateDir = mkdtempSync(join(tmpdir(), 'kafka-sasl-'));

function brokerScript(command: 'start' | 'stop'): Promise<unknown> {
  return promisify(execFile)(kafkaScript, [command], {
    env: {
      ...process.env,
      KAFKA_SASL: 'scram',
      KAFKA_SASL_USERS: USERS.map((user) => `${user}=${passwords[user]}`).join(' '),
      KAFKA_PORT: '19092',
      KAFKA_CONTROLLER_PORT: '19093',
      KAFKA_STATE_DIR: stateDir,
      // The JIT's first tier only: a broker that starts sooner, as the cluster's (kafka-cluster.sh).
      KAFKA_EXTRA_JAVA_OPTS: '-XX:TieredStopAtLevel=1',
    },
  });
}

function saslEnv(user: User, password = passwords[user]): Record<string, string> {
  return {
    KAFKA_BROKERS: BROKERS,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD: password,
  };
}

function brokerAs(user: User, cleanup: Cleanup): KafkajsEventBroker {
  const sasl = { mechanism: 'scram-sha-512', username: user, password: passwords[user] } as const;
  return cleanup.add(
    new KafkajsEventBroker({ clientId: `acl-${user}`, brokers: [BROKERS], sasl, logLevel: 'error' }),
    (b) => b.disconnect(),
  );
}

/** The protocol error codes (kafkajs's `type`) anywhere in an error's chain of causes. */
function errorTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const { type } = cause as { type?: unknown };
    if (typeof type === 'string') types.push(type);
  }
  return types;
}

async function refusal(work: Promise<unknown>): Promise<string[]> {
  try {
    await work;
  } catch (error) {
    return errorTypes(error);
  }
  throw new Error('the broker allowed it');
}

/**
 * What the broker's authorizer refused the user, as `OPERATION Resource request` (its audit log,
 * kafka.authorizer.logger): the refusals a client reports without their code are seen here.
 */
function brokerDenials(user: User): string[] {
  const log = readFileSync(join(stateDir, 'logs-19092', 'server.log'), 'utf8');
  const denial = new RegExp(
    `Principal = User:${user} is Denied operation = (\\w+) from host = \\S+ on resource = (\\S+) for request = (\\w+)`,
    'g',
  );
  return [...log.matchAll(denial)].map(([, operation, resource, request]) => `${operation} ${resource} ${request}`);
}

/** The error a consumer's group join crashed with: consuming is refused there, not at connect. */
async function consumeRefusal(user: User, topic: string, groupId: string, cleanup: Cleanup): Promise<string[]> {
  const kafka = new Kafka({
    clientId: `acl-${user}-consumer`,
    brokers: [BROKERS],
    sasl: { mechanism: 'scram-sha-512', username: user, password: passwords[user] },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const consumer = cleanup.add(kafka.consumer({ groupId }), (c) => c.disconnect());
  const crashed = new Promise<unknown>((resolve) =>
    consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)),
  );
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
  } catch (error) {
    return errorTypes(error);
  }
  const error = await crashed;
  // kafkajs reports a refused FindCoordinator as KafkaJSGroupCoordinatorNotFound, without its code.
  return [...errorTypes(error), ...(error instanceof Error ? [error.name] : [])];
}

describe('Kafka with SASL/SCRAM and ACLs', () => {
  const cleanup = new Cleanup();
  let cart: ServiceProcess;
  let query: ServiceProcess;
  let cartDbUrl: string;
  let queryDbUrl: string;

  beforeAll(async () => {
    cleanup.add(stateDir, async (dir) => rmSync(dir, { recursive: true, force: true }));
    cleanup.add(undefined, () => brokerScript('stop'));
    const [cartDb, queryDb] = await Promise.all([
      createTestDatabase('cart'),
      createTestDatabase('cart_query'),
      brokerScript('start'),
    ]);
    cleanup.add(cartDb, (db) => db.drop());
    cleanup.add(queryDb, (db) => db.drop());
    [cartDbUrl, queryDbUrl] = [cartDb.url, queryDb.url];
    const cartPort = await freePort();
    const common = { CONVERGE_ENV: 'development', ...testSecretsEnv() };
    cart = cleanup.add(
      ServiceProcess.spawn('cart', { ...common, ...saslEnv('cart'), CART_DATABASE_URL: cartDbUrl }, cartPort),
      (service) => service.stop(),
    );
    query = cleanup.add(
      ServiceProcess.spawn(
        'cart-query',
        {
          ...common,
          ...saslEnv('cart-query'),
          CART_QUERY_DATABASE_URL: queryDbUrl,
          CART_URL: `http://127.0.0.1:${cartPort}`,
        },
        await freePort(),
      ),
      (service) => service.stop(),
    );
    await Promise.all([cart.ready(STARTUP_MS), query.ready(STARTUP_MS)]);
  }, 240_000);

  afterAll(() => cleanup.run(), 60_000);

  it('Cart and Cart-Query connect as their own users: a write reaches the read model', async () => {
    const write = new CartClient(cart.url);
    const read = new CartClient(query.url);
    const created = await write.createCart();
    const written = await write.addItem(created.body.id, 'apple', 2);
    expect(written.status).toBe(200);
    await eventually(async () => expect((await read.getCart(created.body.id)).body).toEqual(written.body), 30_000);
  });

  it('the studio connects as its own user and follows the events in a group of its own', async () => {
    const studio = cleanup.add(
      ServiceProcess.spawn(
        'studio',
        {
          CONVERGE_ENV: 'development',
          AUTH_JWT_SECRET: testSecretsEnv().AUTH_JWT_SECRET,
          ...saslEnv('studio'),
          CART_URL: cart.url,
          CART_QUERY_URLS: query.url,
          STUDIO_GROUP_ID: 'studio-sasl-test',
        },
        await freePort(),
      ),
      (service) => service.stop(),
    );
    await studio.ready(STARTUP_MS);
    expect((await fetch(`${studio.url}/health/ready`)).status).toBe(200);
  }, 120_000);

  it('each user may do only what its service does', async () => {
    const acls = new Cleanup();
    try {
      // Cart writes the events, nothing else, and reads nothing.
      const asCart = brokerAs('cart', acls);
      expect(await refusal(asCart.publish('cart.events.dlq', [{ key: 'k', value: 'v' }]))).toContain(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      expect(await consumeRefusal('cart', 'cart.events', 'cart', acls)).toContain('KafkaJSGroupCoordinatorNotFound');
      expect(brokerDenials('cart')).toEqual(
        expect.arrayContaining([
          'WRITE Topic:LITERAL:cart.events.dlq Produce',
          'DESCRIBE Group:LITERAL:cart FindCoordinator',
        ]),
      );
      // Cart-Query reads the events and writes dead letters; it never writes an event.
      const asQuery = brokerAs('cart-query', acls);
      expect(await refusal(asQuery.publish('cart.events', [{ key: 'k', value: 'v' }]))).toContain(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      // The studio reads the events in its own groups, and not the dead letters.
      expect(await consumeRefusal('studio', 'cart.events.dlq', 'studio-dead-letters', acls)).toContain(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      expect(brokerDenials('cart-query')).toContain('WRITE Topic:LITERAL:cart.events Produce');
    } finally {
      await acls.run();
    }
  });

  it.each([
    ['cart', () => ({ CART_DATABASE_URL: cartDbUrl })],
    ['cart-query', () => ({ CART_QUERY_DATABASE_URL: queryDbUrl })],
  ] as const)('%s stops with a clear error when the broker refuses its password', async (name, dbEnv) => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const env = { CONVERGE_ENV: 'development', ...testSecretsEnv(), ...saslEnv(name, wrong), ...dbEnv() };
    const service = ServiceProcess.spawn(name, env, await freePort());
    cleanup.add(service, (s) => s.stop());
    expect(await service.waitForExit()).toBe(1);
    expect(service.logs).toContain('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD were refused by the broker');
    expect(service.logs).not.toContain(wrong);
  });
});
