import { Client } from 'pg';
import { serverSentEvents } from '@converge/platform';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import type { ServiceProcess } from '../support/service-process';
import { TestStack } from '../support/stack';

interface Journey {
  eventId: string;
  cartId: string;
  version: number;
  type: string;
  committedAt: number;
  publishedAt?: number;
  appliedAt?: number;
  visibleAt?: number;
}

interface PaneRead {
  status: number;
  version?: number;
  code?: string;
  required?: number;
}

const SESSION_WAIT_MS = 600;

describe('the studio: journeys of every write, and controls that are real operations', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let studio: ServiceProcess;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start({ env: { SESSION_WAIT_MS: String(SESSION_WAIT_MS) } }), (s) => s.stop());
    studio = await stack.startStudio();
  });
  afterAll(() => cleanup.run());

  const api = <T>(method: string, path: string, body?: unknown) =>
    requestJson<T>(`${studio.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('follows a write made outside the studio through every stage, in order, within 5 s', async () => {
    const feed = await openFeed(`${studio.url}/api/feed`);
    cleanup.add(feed, async (f) => f.stop());
    const outsider = new CartClient(stack.cart[0].url);
    const created = await outsider.createCart();
    const written = await outsider.addItem(created.body.id, 'apple', 2, created.token);
    const cartId = created.body.id;

    const journey = await eventually(async () => {
      const answer = await api<Journey[]>('GET', '/api/journeys?limit=50');
      const found = answer.body.find((j) => j.cartId === cartId && j.version === written.body.version);
      if (!found?.visibleAt) throw new Error(`not visible yet: ${JSON.stringify(found)}`);
      return found;
    }, 5000);
    expect(journey).toMatchObject({ cartId, version: 1, type: 'ItemAdded' });
    const { committedAt, publishedAt, appliedAt, visibleAt } = journey;
    expect([committedAt, publishedAt, appliedAt, visibleAt].every((t) => typeof t === 'number')).toBe(true);
    expect(committedAt).toBeLessThanOrEqual(publishedAt!);
    expect(publishedAt!).toBeLessThanOrEqual(appliedAt!);
    expect(appliedAt!).toBeLessThanOrEqual(visibleAt!);
    // The live feed carried the same journey to a client that is not the page.
    await eventually(async () => {
      if (!feed.journeys.some((j) => j.eventId === journey.eventId && j.visibleAt !== undefined)) {
        throw new Error('not on the feed yet');
      }
    }, 5000);
  });

  it('pauses every Cart-Query: the token-less read goes stale, the token read waits, and resuming converges', async () => {
    const created = await api<{ id: string; version: number }>('POST', '/api/carts');
    expect(created.status).toBe(201);
    const cartId = created.body.id;
    await api('POST', `/api/carts/${cartId}/items`, { sku: 'pear', quantity: 1 });
    await eventually(async () => {
      const read = await api<PaneRead>('GET', `/api/carts/${cartId}/read?token=true`);
      if (read.body.version !== 1) throw new Error(`at ${read.body.version}`);
    });

    const paused = await api<{ instances: Array<{ paused: boolean }> }>('PUT', '/api/operations/consumption', {
      paused: true,
    });
    expect(paused.body.instances.map((i) => i.paused)).toEqual([true]);
    const burst = await api<{ acknowledged: number; lastVersion: number }>('POST', `/api/carts/${cartId}/burst`, {
      count: 5,
    });
    expect(burst.body).toMatchObject({ acknowledged: 5, lastVersion: 6 });

    const [eventual, session] = await Promise.all([
      api<PaneRead>('GET', `/api/carts/${cartId}/read?token=false`),
      api<PaneRead>('GET', `/api/carts/${cartId}/read?token=true`),
    ]);
    expect(eventual.body).toMatchObject({ status: 200, version: 1 });
    expect(session.body).toMatchObject({ status: 503, code: 'READ_MODEL_BEHIND', required: 6 });
    const latest = await api<{ write: PaneRead; read: PaneRead }>('GET', `/api/carts/${cartId}/latest`);
    expect([latest.body.write.version, latest.body.read.version]).toEqual([6, 1]);

    await api('PUT', '/api/operations/consumption', { paused: false });
    await eventually(async () => {
      const read = await api<PaneRead>('GET', `/api/carts/${cartId}/read?token=false`);
      if (read.body.version !== 6) throw new Error(`at ${read.body.version}`);
    });
    const after = await api<PaneRead>('GET', `/api/carts/${cartId}/read?token=true`);
    expect(after.body).toMatchObject({ status: 200, version: 6 });
  });

  it('answers bad input with a 4xx and a stable code, its own or the service it asked', async () => {
    const cartId = (await api<{ id: string }>('POST', '/api/carts')).body.id;
    const answers = await Promise.all([
      api<{ code: string }>('POST', `/api/carts/${cartId}/burst`, { count: 0 }),
      api<{ code: string }>('POST', `/api/carts/${cartId}/burst`, { count: 1001 }),
      api<{ code: string }>('POST', '/api/carts/not-a-uuid/items', { sku: 'apple', quantity: 1 }),
      api<{ code: string }>('POST', `/api/carts/${cartId}/items`, { sku: 'Not A Sku!', quantity: 1 }),
      api<{ code: string }>('PUT', '/api/operations/replication-delay', { minMs: 300, maxMs: 100 }),
      api<{ code: string }>('GET', `/api/carts/${cartId}/read?token=maybe`),
    ]);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [400, 'INVALID_CART_ID'],
      [400, expect.any(String)],
      [400, 'REPLICATION_DELAY_RANGE_INVALID'],
      [400, 'BAD_REQUEST'],
    ]);
    const operations = await api<Array<{ replicationDelay: unknown }>>('GET', '/api/operations');
    expect(operations.body.map((o) => o.replicationDelay)).toEqual([{ minMs: 0, maxMs: 0 }]);
  });

  it('measures the inconsistency window: a delay setting makes every read before its minimum stale, and is put back', async () => {
    const request = {
      settings: [
        { minMs: 0, maxMs: 0 },
        { minMs: 300, maxMs: 400 },
      ],
      rounds: 3,
    };
    const [answer, concurrent] = await Promise.all([
      api<{ measurements: Array<{ setting: unknown; curve: { offsetsMs: number[]; staleShare: number[] } }> }>(
        'POST',
        '/api/experiments/window',
        request,
      ),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() =>
        api<{ code: string }>('POST', '/api/experiments/window', request),
      ),
    ]);
    expect([concurrent.status, concurrent.body.code]).toEqual([409, 'EXPERIMENT_RUNNING']);
    expect(answer.status).toBe(200);
    const [plain, delayed] = answer.body.measurements;
    expect(plain.setting).toEqual({ minMs: 0, maxMs: 0 });
    expect(plain.curve.offsetsMs).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    // Each batch waits 300 ms or more once fetched, and the fetch comes at most a moment before the
    // acknowledgement reaches the client: every read up to 200 ms after it answers the older version.
    const early = delayed.curve.offsetsMs
      .map((offset, i) => [offset, delayed.curve.staleShare[i]])
      .filter(([o]) => o <= 200);
    expect(early.every(([, share]) => share === 1)).toBe(true);
    const operations = await api<Array<{ replicationDelay: unknown }>>('GET', '/api/operations');
    expect(operations.body.map((o) => o.replicationDelay)).toEqual([{ minMs: 0, maxMs: 0 }]);
  });

  it("shows both sides' digests, lights up the bucket of a cart edited by hand, and reconciles it", async () => {
    interface Buckets {
      buckets: Array<{ prefix: string; differs: boolean }>;
      writeCarts: number;
      readCarts: number;
    }
    const outsider = new CartClient(stack.cart[0].url);
    const created = await outsider.createCart();
    const written = await outsider.addItem(created.body.id, 'kiwi', 2, created.token);
    await new CartClient(stack.query[0].url).getCart(created.body.id, written.token);
    const differing = async () =>
      (await api<Buckets>('GET', '/api/anti-entropy/buckets')).body.buckets
        .filter((b) => b.differs)
        .map((b) => b.prefix);
    // Earlier tests' writes are applied too: nothing differs once the read side caught up.
    await eventually(async () => expect(await differing()).toEqual([]));

    const readModel = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await readModel.connect();
    await readModel.query(`UPDATE cart_views SET items = '[{"sku":"ghost","quantity":9}]' WHERE id = $1`, [
      created.body.id,
    ]);
    const lit = await differing();
    expect(lit).toHaveLength(1);

    const pass = await api<{ status: number; divergent: number; repaired: number }>(
      'POST',
      '/api/anti-entropy/reconcile',
    );
    expect(pass.body).toMatchObject({ status: 200, divergent: 1, repaired: 1 });
    await eventually(async () => expect(await differing()).toEqual([]));
  });

  it('serves its page with a strict content security policy, and answers ready', async () => {
    const page = await fetch(`${studio.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<h1>converge');
    expect((await fetch(`${studio.url}/assets/studio.js`)).status).toBe(200);
    expect((await fetch(`${studio.url}/assets/..%2Fstudio.config.ts`)).status).toBe(404);
    const ready = await requestJson<{ status: string }>(`${studio.url}/health/ready`);
    expect(ready.body.status).toBe('ok');
  });
});

/** The studio's feed, read as any client would: every journey it has sent, latest state per event. */
async function openFeed(url: string) {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal, headers: { Accept: 'text/event-stream' } });
  const byId = new Map<string, Journey>();
  const reading = (async () => {
    for await (const message of serverSentEvents(response.body!)) {
      const update = JSON.parse(message.data) as { journeys: Journey[] };
      for (const journey of update.journeys) byId.set(journey.eventId, journey);
    }
  })().catch(() => undefined);
  return {
    get journeys() {
      return [...byId.values()];
    },
    stop: async () => {
      abort.abort();
      await reading;
    },
  };
}
