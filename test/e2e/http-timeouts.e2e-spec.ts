import { connect, type Socket } from 'node:net';
import { Cleanup } from '../support/cleanup';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase } from '../support/test-database';
import { bearer, testKafkaBrokers, testSecretsEnv } from '../support/test-env';

/** Opens a raw socket, writes `bytes`, and resolves with all it reads once the server closes it. */
function slowClient(url: string, bytes: string): { socket: Socket; answer: Promise<{ text: string; ms: number }> } {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const socket = connect(Number(port), hostname, () => socket.write(bytes));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const answer = new Promise<{ text: string; ms: number }>((resolve) =>
    socket.on('close', () => resolve({ text, ms: performance.now() - started })),
  );
  socket.on('error', () => undefined);
  return { socket, answer };
}

describe('HTTP timeouts, connection cap and shutdown deadline, against slow clients on raw sockets', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  const start = async (env: Record<string, string>) => {
    const db = cleanup.add(await createTestDatabase('http_timeouts'), (d) => d.drop());
    const service = await ServiceProcess.start('cart', {
      ...testSecretsEnv(),
      KAFKA_BROKERS: testKafkaBrokers(),
      CART_DATABASE_URL: db.url,
      ...env,
    });
    return cleanup.add(service, (s) => s.stop('SIGKILL'));
  };

  it('answers 408 and closes a connection that sends part of its headers, or part of its body, then nothing', async () => {
    const cart = await start({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '1000' });
    const headers = slowClient(cart.url, 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: a');
    const body = slowClient(
      cart.url,
      `POST /carts HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer()}\r\nContent-Type: application/json\r\n` +
        'Content-Length: 100\r\n\r\n{"a":',
    );
    const [h, b] = await Promise.all([headers.answer, body.answer]);
    for (const { text, ms } of [h, b]) {
      expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'REQUEST_TIMEOUT' });
      // The bound, plus Node's check every second, plus a busy machine's slack.
      expect(ms).toBeLessThan(6000);
    }
  });

  it('closes connections beyond HTTP_MAX_CONNECTIONS at once', async () => {
    const cart = await start({
      HTTP_MAX_CONNECTIONS: '2',
      HTTP_HEADERS_TIMEOUT_MS: '30000',
      HTTP_REQUEST_TIMEOUT_MS: '30000',
    });
    const held = [slowClient(cart.url, 'GET / HTTP/1.1\r\n'), slowClient(cart.url, 'GET / HTTP/1.1\r\n')];
    cleanup.add(held, async (clients) => clients.forEach((client) => client.socket.destroy()));
    await new Promise<void>((resolve) => held[1].socket.once('connect', () => resolve()));
    const refused = slowClient(cart.url, 'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    const { text, ms } = await refused.answer;
    expect(text).toBe('');
    expect(ms).toBeLessThan(3000);
  });

  it('exits within the drain and the shutdown deadline although a client holds a socket open', async () => {
    const cart = await start({
      SHUTDOWN_DRAIN_MS: '100',
      SHUTDOWN_DEADLINE_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '60000',
      HTTP_HEADERS_TIMEOUT_MS: '60000',
    });
    const slow = slowClient(cart.url, 'GET /health/live HTTP/1.1\r\nHost: x\r\n');
    cleanup.add(slow, async (client) => client.socket.destroy());
    await new Promise<void>((resolve) => slow.socket.once('connect', () => resolve()));
    const stopping = performance.now();
    await cart.stop('SIGTERM');
    expect(performance.now() - stopping).toBeLessThan(5000);
  });
});
