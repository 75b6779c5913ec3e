import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { cartDigest, digestBucketOf } from '@converge/contracts';
import { scrape, valueOf } from '../metrics/prometheus-text';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, operatorBearer, TEST_OWNER } from '../support/test-env';

interface Reconciled {
  carts: number;
  divergent: number;
  repaired: number;
  code?: string;
}

describe('anti-entropy and read repair', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let writer: CartClient;
  let reader: CartClient;
  let readModel: Client;
  const carts: string[] = [];

  beforeAll(async () => {
    // No periodic pass: each test says when to reconcile. Read repair waits 500 ms.
    const env = {
      ANTI_ENTROPY_INTERVAL_MS: '0',
      ANTI_ENTROPY_CONFIRM_MS: '300',
      PARKED_REPAIR_AFTER_MS: '500',
      SESSION_WAIT_MS: '8000',
    };
    stack = cleanup.add(await TestStack.start({ env }), (s) => s.stop());
    writer = new CartClient(stack.cart[0].url);
    reader = new CartClient(stack.query[0].url);
    readModel = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await readModel.connect();
    for (let i = 0; i < 12; i++) {
      const created = await writer.createCart();
      await writer.addItem(created.body.id, `sku-${i}`, i + 1);
      await writer.addItem(created.body.id, 'apple', 2);
      carts.push(created.body.id);
    }
    await converged(carts);
  });

  afterAll(() => cleanup.run());

  async function converged(ids: string[]): Promise<void> {
    await eventually(async () => {
      for (const id of ids) expect((await reader.getCart(id)).body).toEqual((await writer.getCart(id)).body);
    }, 15_000);
  }

  const reconcile = (authorization = operatorBearer()) =>
    requestJson<Reconciled>(`${stack.query[0].url}/operations/reconcile`, {
      method: 'POST',
      headers: { Authorization: authorization },
    });

  const digests = (url: string, prefix: string) =>
    requestJson<{ carts?: number; children?: object; rows?: Array<{ id: string; digest: string }>; code?: string }>(
      `${url}/operations/digests?prefix=${prefix}`,
      { headers: { Authorization: operatorBearer() } },
    );

  it('gives both services the same digest tree, with the digest contracts compute for each cart', async () => {
    const [write, read] = await Promise.all([digests(stack.cart[0].url, ''), digests(stack.query[0].url, '')]);
    expect(write.body.carts).toBe(carts.length);
    expect(read.body).toEqual(write.body);
    const cart = (await writer.getCart(carts[0])).body;
    const leaf = await digests(stack.query[0].url, digestBucketOf(cart.id));
    const expected = cartDigest({ id: cart.id, version: cart.version, owner: TEST_OWNER, lines: cart.items });
    expect(leaf.body.rows?.find((row) => row.id === cart.id)?.digest).toBe(expected);
  });

  it('is for operators only, and refuses a prefix that is not 0 to 3 hex digits', async () => {
    expect((await reconcile(bearer())).status).toBe(403);
    expect((await digests(stack.cart[0].url, 'abcd')).body.code).toBe('INVALID_DIGEST_PREFIX');
    expect((await digests(stack.query[0].url, 'XY')).body.code).toBe('INVALID_DIGEST_PREFIX');
  });

  it('finds nothing to repair in a read model that agrees', async () => {
    const answer = await reconcile();
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: { carts: carts.length, divergent: 0, repaired: 0 },
    });
  });

  it('repairs views edited, deleted, invented and pushed ahead by hand, in one pass', async () => {
    const [edited, deleted, ahead] = carts;
    const invented = randomUUID();
    await readModel.query(`UPDATE cart_views SET items = '[{"sku":"ghost","quantity":9}]' WHERE id = $1`, [edited]);
    await readModel.query('DELETE FROM cart_views WHERE id = $1', [deleted]);
    await readModel.query('UPDATE cart_views SET version = 99 WHERE id = $1', [ahead]);
    await readModel.query(
      `INSERT INTO cart_views (id, version, items, updated_at, owner) VALUES ($1, 3, '[]', now(), $2)`,
      [invented, TEST_OWNER],
    );

    const answer = await reconcile();
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: { carts: carts.length, divergent: 4, repaired: 4 },
    });
    await converged(carts);
    expect((await reader.getCart(invented)).status).toBe(404);
    expect((await reconcile()).body).toEqual({ carts: carts.length, divergent: 0, repaired: 0 });
    const samples = (await scrape(stack.query[0].url)).samples;
    expect(valueOf(samples, 'converge_divergent_carts_total')).toBe(4);
    expect(valueOf(samples, 'converge_repairs_requested_total', { trigger: 'anti-entropy' })).toBe(4);
  });

  it('read repair: an event parked behind a predecessor that never comes asks for its cart’s snapshot', async () => {
    const id = carts[5];
    // The view loses two versions, so the next event finds a gap no delivery will fill.
    await readModel.query('UPDATE cart_views SET version = version - 2 WHERE id = $1', [id]);
    const next = await writer.addItem(id, 'pear', 1);
    const read = await reader.getCart(id, next.token);
    expect({ status: read.status, body: read.body }).toEqual({ status: 200, body: next.body });
    const { rows } = await readModel.query('SELECT count(*)::int AS parked FROM parked_events');
    expect(rows[0].parked).toBe(0);
    const samples = (await scrape(stack.query[0].url)).samples;
    expect(valueOf(samples, 'converge_repairs_requested_total', { trigger: 'read-repair' })).toBeGreaterThanOrEqual(1);
  });
});
