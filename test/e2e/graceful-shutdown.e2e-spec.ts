import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { Client } from 'pg';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';
import { bearer } from '../support/test-env';

/** Everything after the last answer: closing pools, the producer, the relay's connections. */
const EXIT_AFTER_ANSWER_MS = 5000;

/** Long enough that a loaded machine sees the drain begin and still sends inside it. */
const DRAIN_MS = 5000;

/** Whether a new TCP connection to the URL's port is refused: the server stopped accepting. */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(true) : reject(error),
    );
  });
}

interface KeptAliveAnswer {
  status?: number;
  connection?: string;
  error?: string;
}

/** A GET over the agent's one kept-alive connection; never rejects, so a reset is an answer too. */
function getOver(
  agent: Agent,
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<KeptAliveAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const call = request({ agent, host: hostname, port, path, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, connection: response.headers.connection }));
    });
    call.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    call.end();
  });
}

describe('a service SIGTERMed while a client holds a kept-alive connection', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('drains: not ready, and a request sent on the idle connection is answered, not reset', async () => {
    const env = { SHUTDOWN_DRAIN_MS: String(DRAIN_MS) };
    const stack = cleanup.add(await TestStack.start({ carts: 0, queries: 1, env }), (s) => s.stop());
    const [query] = stack.query;
    const agent = cleanup.add(new Agent({ keepAlive: true, maxSockets: 1 }), async (a) => a.destroy());
    const auth = { Authorization: bearer() };
    expect(await getOver(agent, query.url, '/health/live')).toMatchObject({ status: 200, connection: 'keep-alive' });

    // The connection is idle now. Once the service is draining, a load balancer that has not
    // polled readiness yet still sends on it: that request must be answered, not reset.
    const exited = query.stop('SIGTERM');
    await eventually(async () => {
      const ready = await getOver(new Agent({ keepAlive: false }), query.url, '/health/ready');
      if (ready.status !== 503) throw new Error(`readiness answered ${ready.status ?? ready.error}`);
    }, DRAIN_MS / 2);
    const answers = [
      await getOver(agent, query.url, '/carts/00000000-0000-4000-8000-000000000000', auth),
      await getOver(agent, query.url, '/health/ready'),
    ];
    expect(answers).toEqual([
      { status: 404, connection: 'close' },
      { status: 503, connection: 'close' },
    ]);
    expect(await exited).toBe(0);
  });
});

describe('a service SIGTERMed with a call in flight', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('answers the call, then exits 0 at once, though the client would keep its connection alive', async () => {
    const stack = cleanup.add(await TestStack.start({ carts: 1, queries: 0 }), (s) => s.stop());
    const [cart] = stack.cart;
    const client = new CartClient(cart.url);
    const { body } = await client.createCart();
    // The write waits on the cart's row lock inside the service: in flight, deterministically.
    const blocker = cleanup.add(new Client({ connectionString: stack.cartDb.url }), (c) => c.end());
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT id FROM carts WHERE id = $1 FOR UPDATE', [body.id]);
    // fetch keeps its connections alive, as a load balancer or any HTTP client pool does.
    const answer = client.addItem(body.id, 'apple', 1);
    await eventually(async () => {
      const { rows } = await blocker.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()`,
      );
      if (rows[0].n === 0) throw new Error('the write does not wait on the lock yet');
    });

    const exited = cart.stop('SIGTERM');
    await eventually(async () => {
      if (!(await refusesConnections(cart.url))) throw new Error('still accepting connections');
    });
    await blocker.query('COMMIT');

    expect((await answer).status).toBe(200);
    await eventually(async () => {
      if (!cart.exited) throw new Error(`still running ${EXIT_AFTER_ANSWER_MS} ms after its last answer`);
    }, EXIT_AFTER_ANSWER_MS);
    expect(await exited).toBe(0);
  });
});
