import type { PoolClient } from 'pg';
import { Cart, type CartChange, type CartLine } from '../domain/cart';
import { CartNotFoundError, LineQuantityLimitError, VersionMismatchError } from '../domain/cart.errors';
import { AddItemHandler } from './add-item/add-item.handler';
import { type CartStore, CartUnitOfWork } from './cart-unit-of-work';
import { ClearCartHandler } from './clear-cart/clear-cart.handler';
import { EmitSnapshotsHandler } from '../operations/emit-snapshots/emit-snapshots.handler';
import { SetItemQuantityHandler } from './set-item-quantity/set-item-quantity.handler';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** One cart held in memory, with a journal of what happened to it, in order. */
function store(lines: CartLine[], version = 2) {
  const journal: string[] = [];
  const saved: Array<{ change: CartChange; traceparent?: string }> = [];
  const restored = () => Cart.restore({ id: CART_ID, owner: 'alice', version, updatedAt: new Date(0), lines });
  const carts: CartStore = {
    transaction: async (work) => {
      const result = await work({} as PoolClient);
      journal.push('commit');
      return result;
    },
    lockForUpdate: async (_client, cartId) => {
      journal.push('lock');
      return cartId === CART_ID ? restored() : undefined;
    },
    save: async (_client, _cart, change, traceparent) => {
      journal.push('save');
      saved.push({ change, traceparent });
    },
    insert: async () => undefined,
    countOwnedAlone: async () => 0,
    lockForShare: async (_client, cartIds) => {
      journal.push('share');
      return cartIds.includes(CART_ID) ? [restored()] : [];
    },
    appendEvents: async (_client, changes) => {
      journal.push('append');
      for (const change of changes) saved.push({ change });
    },
  };
  const relay = { wake: () => void journal.push('wake') };
  return { work: new CartUnitOfWork(carts, relay), journal, saved };
}

describe('CartUnitOfWork', () => {
  it('locks, runs the rule, saves what the cart says changed, and wakes the relay after the commit', async () => {
    const { work, journal, saved } = store([{ sku: 'A', quantity: 1 }]);
    const cart = await new AddItemHandler(work).execute({
      cartId: CART_ID,
      owner: 'alice',
      sku: 'B',
      quantity: 2,
      traceparent: TRACE,
    });
    expect(cart.version).toBe(3);
    expect(journal).toEqual(['lock', 'save', 'commit', 'wake']);
    expect(saved).toHaveLength(1);
    expect(saved[0].traceparent).toBe(TRACE);
    expect(saved[0].change).toMatchObject({
      version: 3,
      upserted: [{ sku: 'B', quantity: 2 }],
      removed: [],
      events: [{ type: 'ItemAdded', version: 3, payload: { sku: 'B', quantity: 2, lineQuantity: 2 } }],
    });
  });

  it('says which lines went, for a quantity set to 0', async () => {
    const { work, saved } = store([{ sku: 'A', quantity: 1 }]);
    await new SetItemQuantityHandler(work).execute({ cartId: CART_ID, owner: 'alice', sku: 'A', quantity: 0 });
    expect(saved[0].change).toMatchObject({ upserted: [], removed: ['A'] });
  });

  it('checks the owner, then If-Match, before the rule, and saves nothing when one fails', async () => {
    const { work, journal } = store([{ sku: 'A', quantity: 999 }]);
    const handler = new AddItemHandler(work);
    const add = (owner: string, expectedVersion: number) =>
      handler.execute({ cartId: CART_ID, owner, sku: 'A', quantity: 5, expectedVersion });
    await expect(add('mallory', 1)).rejects.toThrow(CartNotFoundError);
    await expect(add('alice', 1)).rejects.toThrow(VersionMismatchError);
    await expect(add('alice', 2)).rejects.toThrow(LineQuantityLimitError);
    expect(journal).toEqual(['lock', 'lock', 'lock']);
  });

  it('answers a cart that does not exist with CART_NOT_FOUND', async () => {
    const { work } = store([]);
    await expect(
      new ClearCartHandler(work).execute({ cartId: '00000000-0000-4000-8000-000000000001', owner: 'alice' }),
    ).rejects.toThrow(CartNotFoundError);
  });

  it('clears every line in one change with one event', async () => {
    const { work, saved } = store([
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 2 },
    ]);
    const cart = await new ClearCartHandler(work).execute({ cartId: CART_ID, owner: 'alice' });
    expect(cart.items).toEqual([]);
    expect(saved).toHaveLength(1);
    expect(saved[0].change).toMatchObject({ version: 3, upserted: [], removed: ['A', 'B'] });
    expect(saved[0].change.events.map((event) => event.type)).toEqual(['CartCleared']);
  });

  it('writes nothing and wakes nobody for a change that changes nothing', async () => {
    const { work, journal, saved } = store([], 4);
    const cart = await new ClearCartHandler(work).execute({ cartId: CART_ID, owner: 'alice', expectedVersion: 4 });
    expect(cart.version).toBe(4);
    expect(saved).toEqual([]);
    expect(journal).toEqual(['lock', 'commit']);
  });

  it('has an operator describe carts: one CartSnapshot each, at their version, lines unchanged', async () => {
    const { work, journal, saved } = store([{ sku: 'A', quantity: 3 }], 7);
    const unknown = '00000000-0000-4000-8000-000000000001';
    const result = await new EmitSnapshotsHandler(work).execute({ cartIds: [CART_ID, unknown] });
    expect(result).toEqual({ emitted: [CART_ID], missing: [unknown] });
    expect(journal).toEqual(['share', 'append', 'commit', 'wake']);
    expect(saved[0].change).toMatchObject({
      version: 7,
      upserted: [],
      removed: [],
      events: [{ type: 'CartSnapshot', version: 7, payload: { owner: 'alice', lines: [{ sku: 'A', quantity: 3 }] } }],
    });
  });
});
