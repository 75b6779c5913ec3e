import { Client } from 'pg';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, operatorBearer } from '../support/test-env';

const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';

describe('snapshots: Cart sends a cart’s whole state, and the read model takes it as the truth', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let writer: CartClient;
  let reader: CartClient;
  let readModel: Client;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start(), (s) => s.stop());
    writer = new CartClient(stack.cart[0].url);
    reader = new CartClient(stack.query[0].url);
    readModel = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await readModel.connect();
  });

  afterAll(() => cleanup.run());

  const emit = (authorization: string | undefined, body: unknown) =>
    requestJson<{ code?: string; emitted?: string[]; missing?: string[] }>(
      `${stack.cart[0].url}/operations/snapshots`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
        body: JSON.stringify(body),
      },
    );

  it('is for operators only, and refuses a bad body with 400', async () => {
    const answers = await Promise.all([
      emit(undefined, { cartIds: [UNKNOWN] }),
      emit(bearer(), { cartIds: [UNKNOWN] }),
      emit(operatorBearer(), { cartIds: [] }),
      emit(operatorBearer(), { cartIds: ['not-a-uuid'] }),
      emit(operatorBearer(), { cartIds: Array.from({ length: 401 }, () => UNKNOWN) }),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual([
      [401, 'ACCESS_TOKEN_MISSING'],
      [403, 'INSUFFICIENT_SCOPE'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
    ]);
  });

  it('puts back a view edited by hand, even one that claims a higher version, and reports unknown carts', async () => {
    const created = await writer.createCart();
    const id = created.body.id;
    await writer.addItem(id, 'apple', 2);
    const written = await writer.addItem(id, 'pear', 1);
    expect((await reader.getCart(id, written.token)).body).toEqual(written.body);

    await readModel.query(
      `UPDATE cart_views SET version = 99, items = '[{"sku":"ghost","quantity":7}]' WHERE id = $1`,
      [id],
    );
    expect((await reader.getCart(id)).body.version).toBe(99);

    const answer = await emit(operatorBearer(), { cartIds: [id.toUpperCase(), UNKNOWN] });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: { emitted: [id], missing: [UNKNOWN] },
    });
    await eventually(async () => expect((await reader.getCart(id)).body).toEqual(written.body));
    // The snapshot changed nothing on the write side: no new version.
    expect((await writer.getCart(id)).body).toEqual(written.body);
  });

  it('rebuilds a view deleted by hand, and later writes apply on top of it', async () => {
    const created = await writer.createCart();
    const id = created.body.id;
    await writer.addItem(id, 'fig', 3);
    await eventually(async () => expect((await reader.getCart(id)).status).toBe(200));
    await readModel.query('DELETE FROM cart_views WHERE id = $1', [id]);
    expect((await reader.getCart(id)).status).toBe(404);

    expect((await emit(operatorBearer(), { cartIds: [id] })).status).toBe(200);
    const next = await writer.addItem(id, 'fig', 1);
    const read = await reader.getCart(id, next.token);
    expect({ status: read.status, body: read.body }).toEqual({ status: 200, body: next.body });
  });
});
