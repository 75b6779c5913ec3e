import { serverSentEvents } from '@converge/platform';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, operatorBearer } from '../support/test-env';
import { scrape, valueOf } from '../metrics/prometheus-text';

interface AppliedNotice {
  cartId: string;
  version: number;
  at: string;
}

describe('watching the read model: the applied-events stream and an injected replication delay', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start({ queries: 2 }), (s) => s.stop());
  });
  afterAll(() => cleanup.run());

  const delayUrl = () => `${stack.query[0].url}/operations/replication-delay`;
  const setDelay = (body: unknown, authorization = operatorBearer()) =>
    requestJson<{ code?: string; minMs?: number; maxMs?: number }>(delayUrl(), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: authorization },
      body: JSON.stringify(body),
    });

  /** Opens the stream on one instance and collects what it says until aborted. */
  async function watch(baseUrl: string, authorization = operatorBearer()) {
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/operations/applied-events`, {
      headers: { Authorization: authorization, Accept: 'text/event-stream' },
      signal: abort.signal,
    });
    const notices: AppliedNotice[] = [];
    const reading = (async () => {
      if (!response.body) return;
      for await (const message of serverSentEvents(response.body)) {
        if (message.event === 'applied') notices.push(...(JSON.parse(message.data) as AppliedNotice[]));
      }
    })().catch(() => undefined);
    cleanup.add(abort, async (a) => a.abort());
    return { response, notices, stop: () => (abort.abort(), reading) };
  }

  it('streams, to operators only, every version any instance applied, with when', async () => {
    expect((await fetch(`${stack.query[1].url}/operations/applied-events`)).status).toBe(401);
    expect(
      (await fetch(`${stack.query[1].url}/operations/applied-events`, { headers: { Authorization: bearer() } })).status,
    ).toBe(403);

    // On the second instance: applies by either instance's consumer reach it.
    const stream = await watch(stack.query[1].url);
    expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
    const writer = new CartClient(stack.cart[0].url);
    const created = await writer.createCart();
    const cartId = created.body.id;
    let token = created.token;
    for (let i = 0; i < 3; i++) token = (await writer.addItem(cartId, 'apple', 1, token)).token;
    const acknowledged = Date.now();
    await eventually(async () => {
      if (!stream.notices.some((n) => n.cartId === cartId && n.version === 3)) throw new Error('v3 not streamed yet');
    });
    const mine = stream.notices.filter((n) => n.cartId === cartId);
    // Versions only go up; a batch may carry several of them as its last.
    expect(mine.map((n) => n.version)).toEqual([...mine.map((n) => n.version)].sort((a, b) => a - b));
    expect(Date.parse(mine.at(-1)!.at)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(mine.at(-1)!.at)).toBeGreaterThan(acknowledged - 5000);
    await stream.stop();
  });

  it('refuses a bad setting with a stable code, and changes nothing', async () => {
    const answers = await Promise.all([
      setDelay({ minMs: 300, maxMs: 100 }),
      setDelay({ minMs: 0, maxMs: 5001 }),
      setDelay({ minMs: -1, maxMs: 10 }),
      setDelay({ minMs: 1, maxMs: 2 }, bearer()),
    ]);
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [400, 'REPLICATION_DELAY_RANGE_INVALID'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [403, 'INSUFFICIENT_SCOPE'],
    ]);
    const now = await requestJson(delayUrl(), { headers: { Authorization: operatorBearer() } });
    expect(now.body).toEqual({ minMs: 0, maxMs: 0 });
  });

  it('holds each batch back by the injected delay, shows it in readiness and metrics, and lets go when off', async () => {
    // Only the first instance consumes here, so every batch passes the delay.
    await stack.query[1].stop();
    expect((await setDelay({ minMs: 400, maxMs: 500 })).body).toEqual({ minMs: 400, maxMs: 500 });
    // Readiness answers from what its checks said within the last second: wait for it to say so.
    const readiness = (expected: Record<string, unknown>) =>
      eventually(async () => {
        const ready = await requestJson<{ details: Record<string, unknown> }>(`${stack.query[0].url}/health/ready`);
        expect(ready.body.details.replicationDelay).toMatchObject(expected);
      }, 5000);
    await readiness({ injected: true, minMs: 400, maxMs: 500 });
    const { samples } = await scrape(stack.query[0].url);
    expect(valueOf(samples, 'converge_replication_delay_seconds', { bound: 'max' })).toBe(0.5);

    const writer = new CartClient(stack.cart[0].url);
    const reader = new CartClient(stack.query[0].url);
    const created = await writer.createCart();
    const written = await writer.addItem(created.body.id, 'pear', 2, created.token);
    const started = Date.now();
    // Right after the acknowledgement the view is still behind: its batch waits at least 400 ms.
    const stale = await reader.getCart(created.body.id);
    expect(Date.now() - started).toBeLessThan(400);
    expect(stale.status === 404 || stale.body.version < written.body.version).toBe(true);
    const fresh = await reader.getCart(created.body.id, written.token);
    expect({ status: fresh.status, version: fresh.body.version }).toEqual({ status: 200, version: 1 });

    expect((await setDelay({ minMs: 0, maxMs: 0 })).body).toEqual({ minMs: 0, maxMs: 0 });
    await readiness({ injected: false });
  });
});
