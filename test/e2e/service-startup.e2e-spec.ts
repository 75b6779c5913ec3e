import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CartClient } from '../support/cart-client';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { freePort, ServiceProcess } from '../support/service-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { TEST_AUTH_SECRET, TEST_SESSION_SECRET, testKafkaBrokers, testSecretsEnv } from '../support/test-env';

type HealthReport = { details: Record<string, { status: string }> };

describe('both services start on real infrastructure', () => {
  let cartDb: TestDatabase;
  let queryDb: TestDatabase;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    [cartDb, queryDb] = await Promise.all([createTestDatabase('cart'), createTestDatabase('cart_query')]);
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all([cartDb.drop(), queryDb.drop()]);
  });

  const baseEnv = () => ({ KAFKA_BROKERS: testKafkaBrokers(), ...testSecretsEnv() });

  it.each([
    ['cart', () => ({ CART_DATABASE_URL: cartDb.url })],
    ['cart-query', () => ({ CART_QUERY_DATABASE_URL: queryDb.url })],
  ] as const)(
    '%s reports live and ready, serves its OpenAPI page, and exits cleanly on SIGTERM',
    async (name, dbEnv) => {
      const service = await ServiceProcess.start(name, { ...baseEnv(), ...dbEnv() });
      services.push(service);

      const live = await fetch(`${service.url}/health/live`);
      expect(live.status).toBe(200);
      // helmet's security headers on every answer, and nothing that names the framework.
      expect({
        nosniff: live.headers.get('x-content-type-options'),
        frames: live.headers.get('x-frame-options'),
        hsts: live.headers.get('strict-transport-security')?.startsWith('max-age=') ?? false,
        poweredBy: live.headers.get('x-powered-by'),
      }).toEqual({ nosniff: 'nosniff', frames: 'SAMEORIGIN', hsts: true, poweredBy: null });
      const ready = await requestJson<HealthReport>(`${service.url}/health/ready`);
      // Cart needs only its database to take writes, and reports the relay; Cart-Query needs Kafka,
      // and shows its anti-entropy (no pass has run yet) and that no replication delay is injected.
      expect(ready.body.details).toEqual({
        shutdown: { status: 'up' },
        database: { status: 'up' },
        ...(name === 'cart'
          ? { relay: { status: 'up', leader: expect.any(Boolean), broker: 'up' } }
          : {
              kafka: { status: 'up' },
              reconciler: { status: 'up', intervalMs: 60_000, lastPass: null },
              replicationDelay: { status: 'up', injected: false },
            }),
      });
      const docs = await fetch(`${service.url}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger');
      // The page documents the bearer scheme and holds no secret.
      const spec = await fetch(`${service.url}/docs-json`);
      const text = await spec.text();
      expect(JSON.parse(text)).toMatchObject({
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      });
      for (const secret of Object.values(testSecretsEnv())) expect(text).not.toContain(secret);
      if (name === 'cart') {
        // Every write is documented with its conditional and refusal answers, clearing included.
        const clear = (JSON.parse(text) as { paths: Record<string, Record<string, { responses: object }>> }).paths[
          '/carts/{cartId}/items'
        ]?.delete;
        expect(Object.keys(clear?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404', '412']));
      }
      // No Host header: the contract's error body, not Node's empty 400.
      const hostless = await rawExchange(service.url, 'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n');
      expect(hostless.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(hostless.slice(hostless.indexOf('\r\n\r\n') + 4))).toMatchObject({
        statusCode: 400,
        code: 'MALFORMED_REQUEST',
      });
      expect(await service.stop('SIGTERM')).toBe(0);
    },
  );

  // Cart-Query cannot even start without Kafka (it makes its topics first); its readiness lists
  // Kafka (the test above). Cart's writes need only the outbox.
  it('keeps Cart ready and taking writes while Kafka does not answer, saying so in the relay', async () => {
    const env = { ...baseEnv(), KAFKA_BROKERS: '127.0.0.1:1', CART_DATABASE_URL: cartDb.url };
    const cart = ServiceProcess.spawn('cart', env, await freePort());
    services.push(cart);
    await eventually(async () => expect((await fetch(`${cart.url}/health/live`)).status).toBe(200));
    const ready = await requestJson<HealthReport>(`${cart.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.details.relay).toMatchObject({ status: 'up', leader: expect.any(Boolean), broker: 'down' });
    expect((await new CartClient(cart.url).createCart()).status).toBe(201);
  });

  it.each([
    [
      'the public development key without CONVERGE_ENV=development',
      { AUTH_JWT_SECRET: 'converge-local-development-only-access-token-secret' },
      'AUTH_JWT_SECRET is the public development key of infra/local-secrets.json',
    ],
    ['SESSION_TOKEN_SECRET', { SESSION_TOKEN_SECRET: 'too-short' }, 'SESSION_TOKEN_SECRET must be at least 32 bytes'],
    [
      'SESSION_TOKEN_PREVIOUS_KEYS',
      { SESSION_TOKEN_PREVIOUS_KEYS: `[{"id":1,"secret":"${TEST_SESSION_SECRET}"` },
      'SESSION_TOKEN_PREVIOUS_KEYS must be a JSON array',
    ],
    [
      'previous session token key: the public development key',
      {
        SESSION_TOKEN_KEY_ID: '1',
        SESSION_TOKEN_PREVIOUS_KEYS: JSON.stringify([
          { id: 0, secret: 'converge-local-development-only-session-secret', until: '2030-01-01T00:00:00Z' },
        ]),
      },
      'SESSION_TOKEN_PREVIOUS_KEYS.0.secret is the public development key',
    ],
    ['AUTH_JWT_SECRET', { AUTH_JWT_SECRET: 'too-short' }, 'AUTH_JWT_SECRET must be at least 32 bytes'],
    ['missing AUTH_JWT_SECRET', { AUTH_JWT_SECRET: undefined }, 'AUTH_JWT_SECRET is required'],
    ['CART_PORT', { CART_PORT: 'eighty' }, 'CART_PORT'],
    ['CART_DATABASE_URL', { CART_DATABASE_URL: 'mysql://nope' }, 'CART_DATABASE_URL must be a postgres URL'],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS must be a comma-separated list of host:port'],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses to start with a bad %s and names it', async (_name, bad, message) => {
    const env = { PATH: process.env.PATH ?? '', ...baseEnv(), CART_DATABASE_URL: cartDb.url, ...bad };
    const result = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'apps', 'cart', 'main.js')], {
      env,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain(TEST_SESSION_SECRET);
    expect(result.stderr).not.toContain(TEST_AUTH_SECRET);
  });

  it('accepts the public development keys when CONVERGE_ENV=development is said', async () => {
    const local = { SESSION_TOKEN_SECRET: 'converge-local-development-only-session-secret' };
    const env = { ...baseEnv(), ...local, CART_DATABASE_URL: cartDb.url, CONVERGE_ENV: 'development' };
    const service = await ServiceProcess.start('cart', env);
    services.push(service);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  });
});

/** Sends bytes as they are, which fetch would not (it always adds Host), and returns the whole answer. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}
