import type { PoolClient } from 'pg';
import { Cart, type CartChange, type CartLine } from '../domain/cart';
import { CartNotFoundError, LineQuantityLimitError, VersionMismatchError } from '../domain/cart.errors';
import { AddItemHandler } from './add-item/add-item.handler';
import { type CartStore, CartUnitOfWork, UNLOCKED_ATTEMPTS } from './cart-unit-of-work';
import { ClearCartHandler } from './clear-cart/clear-cart.handler';
import { EmitSnapshotsHandler } from '../operations/emit-snapshots/emit-snapshots.handler';
import { SetItemQuantityHandler } from './set-item-quantity/set-item-quantity.handler';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/**
 * One cart held in memory, with a journal of what happened to it, in order. `races` other
 * writers each save a change right after one of this unit of work's reads.
 */
function store(lines: CartLine[], version = 2, races = 0) {
  const journal: string[] = [];
  const saved: Array<{ change: CartChange; traceparent?: string }> = [];
  const stored = { version, lines };
  let racing = races;
  const restored = () =>
    Cart.restore({ id: CART_ID, owner: 'alice', version: stored.version, updatedAt: new Date(0), lines: stored.lines });
  const read = (cartId: string) => {
    const cart = cartId === CART_ID ? restored() : undefined;
    if (racing > 0) {
      racing -= 1;
      stored.version += 1;
    }
    return cart;
  };
  const carts: CartStore = {
    transaction: async (work) => {
      const result = await work({} as PoolClient);
      journal.push('commit');
      return result;
    },
    find: async (cartId) => {
      journal.push('read');
      return read(cartId);
    },
    lockForUpdate: async (_client, cartId) => {
      journal.push('lock');
      return cartId === CART_ID ? restored() : undefined;
    },
    save: async (cart, change, { traceparent } = {}) => {
      journal.push('save');
      if (change.from !== stored.version) return false;
      Object.assign(stored, { version: change.version, lines: cart.items });
      saved.push({ change, traceparent });
      return true;
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
  const answers = { record: async () => void journal.push('answer') };
  return { work: new CartUnitOfWork(carts, relay, answers), journal, saved };
}

describe('CartUnitOfWork', () => {
  it('reads, runs the rule, saves what the cart says changed over the version read, and then wakes the relay', async () => {
    const { work, journal, saved } = store([{ sku: 'A', quantity: 1 }]);
    const cart = await new AddItemHandler(work).execute({
      cartId: CART_ID,
      owner: 'alice',
      sku: 'B',
      quantity: 2,
      traceparent: TRACE,
    });
    expect(cart.version).toBe(3);
    expect(journal).toEqual(['read', 'save', 'wake']);
    expect(saved).toHaveLength(1);
    expect(saved[0].traceparent).toBe(TRACE);
    expect(saved[0].change).toMatchObject({
      from: 2,
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
    expect(journal).toEqual(['read', 'read', 'read']);
  });

  it('decides again on a fresh read when another change was saved between its read and its save', async () => {
    const { work, journal, saved } = store([{ sku: 'A', quantity: 1 }], 2, 1);
    const cart = await new AddItemHandler(work).execute({ cartId: CART_ID, owner: 'alice', sku: 'A', quantity: 1 });
    expect(journal).toEqual(['read', 'save', 'read', 'save', 'wake']);
    expect(cart.version).toBe(4);
    expect(saved.map(({ change }) => change.from)).toEqual([3]);
  });

  it('checks If-Match again on the fresh read, so a change raced past its version is refused', async () => {
    const { work, journal, saved } = store([], 2, 1);
    const add = new AddItemHandler(work).execute({
      cartId: CART_ID,
      owner: 'alice',
      sku: 'A',
      quantity: 1,
      expectedVersion: 2,
    });
    await expect(add).rejects.toThrow(VersionMismatchError);
    expect(journal).toEqual(['read', 'save', 'read']);
    expect(saved).toEqual([]);
  });

  it(`queues on the cart's lock once it lost the race ${UNLOCKED_ATTEMPTS} times`, async () => {
    const { work, journal, saved } = store([], 2, UNLOCKED_ATTEMPTS);
    const cart = await new AddItemHandler(work).execute({ cartId: CART_ID, owner: 'alice', sku: 'A', quantity: 1 });
    const raced = Array.from({ length: UNLOCKED_ATTEMPTS }, () => ['read', 'save']).flat();
    expect(journal).toEqual([...raced, 'lock', 'save', 'commit', 'wake']);
    expect(cart.version).toBe(2 + UNLOCKED_ATTEMPTS + 1);
    expect(saved).toHaveLength(1);
  });

  it('changes a cart for a request with an Idempotency-Key under its lock, the answer in the same transaction', async () => {
    const { work, journal } = store([]);
    const idempotency = {
      owner: 'alice',
      key: 'k-1',
      fingerprint: 'f',
      answer: () => ({ status: 200, headers: {}, body: {} }),
    };
    await new AddItemHandler(work).execute({ cartId: CART_ID, owner: 'alice', sku: 'A', quantity: 1, idempotency });
    expect(journal).toEqual(['lock', 'save', 'answer', 'commit', 'wake']);
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
    expect(journal).toEqual(['read']);
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
