import { CART_EVENTS_PARTITIONS } from '@converge/contracts';
import { CartClient } from '../support/cart-client';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';
import { bearer } from '../support/test-env';
import { scrape, valueOf } from './prometheus-text';

const ADD_ITEM_ROUTE = '/carts/:cartId/items';
const HTTP_COUNT = 'converge_http_request_duration_seconds_count';

describe('Prometheus metrics at GET /metrics', () => {
  let stack: TestStack;
  let write: CartClient;
  let read: CartClient;
  let writes = 0;
  const cartIds: string[] = [];

  beforeAll(async () => {
    stack = await TestStack.start();
    write = new CartClient(stack.cart[0].url);
    read = new CartClient(stack.query[0].url);
    // Enough carts that, keyed by id, their events very likely reach every partition.
    for (let i = 0; i < 6; i++) {
      const created = await write.createCart();
      expect(created.status).toBe(201);
      cartIds.push(created.body.id);
      writes++;
      for (const sku of ['apple', 'pear']) {
        expect((await write.addItem(created.body.id, sku, 2)).status).toBe(200);
        writes++;
      }
    }
    // One body fails validation in Nest, the other fails JSON parsing before Nest sees it.
    for (const body of [JSON.stringify({ sku: 'apple', quantity: -3 }), '{"sku":']) {
      const rejected = await fetch(`${stack.cart[0].url}/carts/${cartIds[0]}/items`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: bearer() },
        body,
      });
      expect(rejected.status).toBe(400);
    }
    const last = await write.addItem(cartIds[0], 'plum', 1);
    expect(last.status).toBe(200);
    writes++;
    expect((await read.getCart(cartIds[0], last.token)).status).toBe(200);
  });
  afterAll(() => stack?.stop());

  it('Cart times requests by route pattern and status, and reports the outbox and its relay', async () => {
    const { contentType, samples, text } = await scrape(stack.cart[0].url);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(samples, HTTP_COUNT, { method: 'POST', route: ADD_ITEM_ROUTE, status_code: '200' })).toBe(13);
    expect(valueOf(samples, HTTP_COUNT, { method: 'POST', route: ADD_ITEM_ROUTE, status_code: '400' })).toBe(2);
    expect(valueOf(samples, HTTP_COUNT, { method: 'POST', route: '/carts', status_code: '201' })).toBe(6);
    // Route patterns only: a raw URL would make every cart a time series of its own.
    for (const cartId of cartIds) expect(text).not.toContain(cartId);

    await eventually(async () => {
      const { samples: now } = await scrape(stack.cart[0].url);
      expect(valueOf(now, 'converge_outbox_published_total')).toBeGreaterThanOrEqual(writes);
      expect(valueOf(now, 'converge_outbox_publish_delay_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(valueOf(now, 'converge_outbox_relay_leader')).toBe(1);
      expect(valueOf(now, 'converge_outbox_backlog')).toBe(0);
    });
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('Cart-Query reports what it applied, how late, and a consumer lag that reaches 0 on every partition', async () => {
    await eventually(async () => {
      const { samples } = await scrape(stack.query[0].url);
      expect(valueOf(samples, 'converge_events_total', { outcome: 'applied' })).toBeGreaterThanOrEqual(writes);
      expect(valueOf(samples, 'converge_events_total', { outcome: 'dead_lettered' })).toBe(0);
      expect(valueOf(samples, 'converge_propagation_lag_seconds_count')).toBeGreaterThanOrEqual(writes);
      for (let partition = 0; partition < CART_EVENTS_PARTITIONS; partition++) {
        expect(valueOf(samples, 'converge_consumer_lag', { partition: String(partition) })).toBe(0);
      }
      expect(valueOf(samples, 'converge_parked_events')).toBe(0);
    }, 30_000);

    const { contentType, samples } = await scrape(stack.query[0].url);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, HTTP_COUNT, { method: 'GET', route: '/carts/:cartId', status_code: '200' })).toBe(1);
  });
});
