import { cartEventSchema, MAX_CART_LINES, MAX_CART_VERSION, MAX_LINE_QUANTITY } from '@converge/contracts';
import { Cart, type CartLine } from './cart';
import {
  CartLineLimitError,
  CartNotFoundError,
  CartVersionLimitError,
  InvalidQuantityError,
  InvalidSkuError,
  LineNotFoundError,
  LineQuantityLimitError,
  VersionMismatchError,
} from './cart.errors';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const OWNER = 'alice';
const CREATED_AT = new Date('2026-01-01T10:00:00.000Z');
const NOW = new Date('2026-01-01T10:05:00.123Z');

function cartWith(lines: CartLine[], version = lines.length): Cart {
  return Cart.restore({ id: CART_ID, owner: OWNER, version, updatedAt: CREATED_AT, lines });
}

function fullCart(): Cart {
  return cartWith(Array.from({ length: MAX_CART_LINES }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })));
}

function snapshot(cart: Cart) {
  return { version: cart.version, updatedAt: cart.updatedAt, items: cart.items };
}

/** A rejected change must leave the cart exactly as it was. */
function expectRejected(cart: Cart, change: (cart: Cart) => unknown, error: new (...args: never[]) => Error): void {
  const before = snapshot(cart);
  expect(() => change(cart)).toThrow(error);
  expect(snapshot(cart)).toEqual(before);
}

describe('Cart', () => {
  describe('create', () => {
    it('starts empty at version 0 and yields CartCreated at that instant', () => {
      const { cart, event } = Cart.create(CART_ID, OWNER, NOW);
      expect(snapshot(cart)).toEqual({ version: 0, updatedAt: NOW, items: [] });
      expect(event).toEqual({
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'CartCreated',
        cartId: CART_ID,
        version: 0,
        occurredAt: '2026-01-01T10:05:00.123Z',
        schemaVersion: 1,
        payload: { owner: OWNER },
      });
      expect(cartEventSchema.parse(event)).toEqual(event);
    });

    it('gives every event an id of its own', () => {
      const first = Cart.create(CART_ID, OWNER, NOW).event.eventId;
      expect(Cart.create(CART_ID, OWNER, NOW).event.eventId).not.toBe(first);
    });
  });

  describe('requireOwner', () => {
    it('lets the owner through and answers anyone else as if the cart did not exist', () => {
      const cart = cartWith([]);
      expect(() => cart.requireOwner(OWNER)).not.toThrow();
      expect(() => cart.requireOwner('mallory')).toThrow(CartNotFoundError);
      expect(() => cart.requireOwner('Alice')).toThrow(CartNotFoundError);
    });
  });

  describe('every change', () => {
    it.each([
      ['addItem', (cart: Cart) => cart.addItem('A', 1, NOW)],
      ['setItemQuantity', (cart: Cart) => cart.setItemQuantity('A', 5, NOW)],
      ['removeItem', (cart: Cart) => cart.removeItem('A', NOW)],
    ])('%s raises the version by exactly 1 and stamps updatedAt and occurredAt alike', (_name, change) => {
      const cart = cartWith([{ sku: 'A', quantity: 2 }], 7);
      const event = change(cart);
      expect(cart.version).toBe(8);
      expect(event.version).toBe(8);
      expect(cart.updatedAt).toEqual(NOW);
      expect(event.occurredAt).toBe(NOW.toISOString());
      expect(event.cartId).toBe(CART_ID);
      expect(cartEventSchema.parse(event)).toEqual(event);
    });
  });

  describe('addItem', () => {
    it('creates an absent line and says so with the line quantity', () => {
      const cart = cartWith([]);
      const event = cart.addItem('SKU-1', 3, NOW);
      expect(cart.items).toEqual([{ sku: 'SKU-1', quantity: 3 }]);
      expect(event).toMatchObject({ type: 'ItemAdded', payload: { sku: 'SKU-1', quantity: 3, lineQuantity: 3 } });
    });

    it('adds to an existing line', () => {
      const cart = cartWith([{ sku: 'SKU-1', quantity: 3 }]);
      const event = cart.addItem('SKU-1', 4, NOW);
      expect(cart.quantityOf('SKU-1')).toBe(7);
      expect(event.payload).toEqual({ sku: 'SKU-1', quantity: 4, lineQuantity: 7 });
    });

    it(`lets a line reach exactly ${MAX_LINE_QUANTITY}`, () => {
      const cart = cartWith([{ sku: 'A', quantity: MAX_LINE_QUANTITY - 1 }]);
      cart.addItem('A', 1, NOW);
      expect(cart.quantityOf('A')).toBe(MAX_LINE_QUANTITY);
    });

    it(`refuses to take a line over ${MAX_LINE_QUANTITY}`, () => {
      const cart = cartWith([{ sku: 'A', quantity: 600 }]);
      expectRejected(cart, (c) => c.addItem('A', 401, NOW), LineQuantityLimitError);
      expect(() => cart.addItem('A', 401, NOW)).toThrow(
        expect.objectContaining({ code: 'LINE_QUANTITY_LIMIT', kind: 'unprocessable', sku: 'A', requested: 1001 }),
      );
    });

    it(`refuses a new line in a cart of ${MAX_CART_LINES} lines`, () => {
      const cart = fullCart();
      expectRejected(cart, (c) => c.addItem('NEW', 1, NOW), CartLineLimitError);
      expect(() => cart.addItem('NEW', 1, NOW)).toThrow(
        expect.objectContaining({ code: 'CART_LINE_LIMIT', kind: 'unprocessable' }),
      );
    });

    it('still adds to an existing line of a full cart', () => {
      const cart = fullCart();
      cart.addItem('SKU-0', 1, NOW);
      expect(cart.quantityOf('SKU-0')).toBe(2);
    });

    it.each([0, -1, 1.5, MAX_LINE_QUANTITY + 1, Number.NaN])('refuses quantity %p', (quantity) => {
      expectRejected(cartWith([]), (c) => c.addItem('A', quantity, NOW), InvalidQuantityError);
    });

    it.each(['', 'a b', 'ä', 'x'.repeat(65), 'a/b'])('refuses sku %p', (sku) => {
      expectRejected(cartWith([]), (c) => c.addItem(sku, 1, NOW), InvalidSkuError);
    });
  });

  describe('setItemQuantity', () => {
    it('sets an existing line', () => {
      const cart = cartWith([{ sku: 'A', quantity: 9 }]);
      const event = cart.setItemQuantity('A', 2, NOW);
      expect(cart.items).toEqual([{ sku: 'A', quantity: 2 }]);
      expect(event).toMatchObject({ type: 'ItemQuantitySet', payload: { sku: 'A', quantity: 2 } });
    });

    it('creates an absent line for a positive quantity', () => {
      const cart = cartWith([]);
      cart.setItemQuantity('A', MAX_LINE_QUANTITY, NOW);
      expect(cart.items).toEqual([{ sku: 'A', quantity: MAX_LINE_QUANTITY }]);
    });

    it('removes the line for 0', () => {
      const cart = cartWith([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
      ]);
      const event = cart.setItemQuantity('A', 0, NOW);
      expect(cart.items).toEqual([{ sku: 'B', quantity: 1 }]);
      expect(event.payload).toEqual({ sku: 'A', quantity: 0 });
    });

    it('counts setting the quantity a line already has as a change', () => {
      const cart = cartWith([{ sku: 'A', quantity: 4 }], 1);
      cart.setItemQuantity('A', 4, NOW);
      expect(cart.version).toBe(2);
    });

    it('refuses 0 for an absent line: there is nothing to remove', () => {
      const cart = cartWith([{ sku: 'A', quantity: 1 }]);
      expectRejected(cart, (c) => c.setItemQuantity('B', 0, NOW), LineNotFoundError);
      expect(() => cart.setItemQuantity('B', 0, NOW)).toThrow(
        expect.objectContaining({ code: 'LINE_NOT_FOUND', kind: 'not-found', sku: 'B' }),
      );
    });

    it(`refuses a new line in a cart of ${MAX_CART_LINES} lines, but sets an existing one`, () => {
      const cart = fullCart();
      expectRejected(cart, (c) => c.setItemQuantity('NEW', 1, NOW), CartLineLimitError);
      cart.setItemQuantity('SKU-5', 9, NOW);
      expect(cart.quantityOf('SKU-5')).toBe(9);
    });

    it.each([-1, 2.5, MAX_LINE_QUANTITY + 1])('refuses quantity %p', (quantity) => {
      expectRejected(
        cartWith([{ sku: 'A', quantity: 1 }]),
        (c) => c.setItemQuantity('A', quantity, NOW),
        InvalidQuantityError,
      );
    });

    it('refuses an invalid sku', () => {
      expectRejected(cartWith([]), (c) => c.setItemQuantity('no spaces', 1, NOW), InvalidSkuError);
    });
  });

  describe('removeItem', () => {
    it('removes the line', () => {
      const cart = cartWith([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
      ]);
      const event = cart.removeItem('B', NOW);
      expect(cart.items).toEqual([{ sku: 'A', quantity: 1 }]);
      expect(event).toMatchObject({ type: 'ItemRemoved', payload: { sku: 'B' } });
    });

    it('refuses an absent line', () => {
      expectRejected(cartWith([{ sku: 'A', quantity: 1 }]), (c) => c.removeItem('B', NOW), LineNotFoundError);
    });

    it('refuses an invalid sku', () => {
      expectRejected(cartWith([]), (c) => c.removeItem('', NOW), InvalidSkuError);
    });
  });

  describe('expectVersion', () => {
    it('passes at the cart version or without one', () => {
      const cart = cartWith([], 3);
      expect(() => cart.expectVersion(3)).not.toThrow();
      expect(() => cart.expectVersion(undefined)).not.toThrow();
    });

    it('refuses any other version, naming both', () => {
      const cart = cartWith([], 3);
      expect(() => cart.expectVersion(2)).toThrow(VersionMismatchError);
      expect(() => cart.expectVersion(4)).toThrow(
        expect.objectContaining({
          code: 'VERSION_MISMATCH',
          kind: 'precondition-failed',
          expected: 4,
          actual: 3,
          message: `Cart ${CART_ID} is at version 3, not 4`,
        }),
      );
    });
  });

  describe('items', () => {
    it('are sorted by sku in byte order: digits, upper case, underscore, lower case', () => {
      const cart = cartWith(['b', 'B', '_x', 'a', '9', '.a', '-a', 'A'].map((sku) => ({ sku, quantity: 1 })));
      expect(cart.items.map((line) => line.sku)).toEqual(['-a', '.a', '9', 'A', 'B', '_x', 'a', 'b']);
    });

    it('are a copy: changing them does not change the cart', () => {
      const cart = cartWith([{ sku: 'A', quantity: 1 }]);
      cart.items.pop();
      expect(cart.items).toHaveLength(1);
    });
  });

  it('quantityOf is 0 for an absent line', () => {
    expect(cartWith([]).quantityOf('A')).toBe(0);
  });

  describe('clear', () => {
    it('removes every line in one change, one version up, with one CartCleared', () => {
      const cart = cartWith([
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ]);
      const event = cart.clear(NOW);
      expect(snapshot(cart)).toEqual({ version: 3, updatedAt: NOW, items: [] });
      expect(event).toEqual({
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'CartCleared',
        cartId: CART_ID,
        version: 3,
        occurredAt: NOW.toISOString(),
        schemaVersion: 1,
        payload: {},
      });
      expect(cartEventSchema.parse(event)).toEqual(event);
    });

    it('changes nothing on a cart with no lines: no version, no event', () => {
      const cart = cartWith([], 5);
      expect(cart.clear(NOW)).toBeUndefined();
      expect(snapshot(cart)).toEqual({ version: 5, updatedAt: CREATED_AT, items: [] });
      expect(cart.takeChange()).toBeUndefined();
    });
  });

  describe('takeChange', () => {
    it('says which lines to write and which to delete after several changes, and every event in order', () => {
      const cart = cartWith([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
      ]);
      cart.addItem('C', 2, NOW);
      cart.removeItem('A', NOW);
      cart.setItemQuantity('B', 4, NOW);
      cart.addItem('A', 1, NOW);
      cart.removeItem('C', NOW);
      const change = cart.takeChange();
      expect(change).toMatchObject({ from: 2, version: 7, updatedAt: NOW });
      expect([...(change?.upserted ?? [])].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 4 },
      ]);
      expect(change?.removed).toEqual(['C']);
      expect(change?.events.map((event) => [event.type, event.version])).toEqual([
        ['ItemAdded', 3],
        ['ItemRemoved', 4],
        ['ItemQuantitySet', 5],
        ['ItemAdded', 6],
        ['ItemRemoved', 7],
      ]);
    });

    it('records nothing for a rejected change, and starts afresh once taken', () => {
      const cart = cartWith([{ sku: 'A', quantity: 1 }]);
      expect(() => cart.removeItem('Z', NOW)).toThrow(LineNotFoundError);
      expect(cart.takeChange()).toBeUndefined();
      cart.addItem('A', 1, NOW);
      expect(cart.takeChange()?.events).toHaveLength(1);
      expect(cart.takeChange()).toBeUndefined();
    });

    it('says the version each change began from, so it is written only over that version', () => {
      const cart = cartWith([], 2);
      cart.addItem('A', 1, NOW);
      expect(cart.takeChange()).toMatchObject({ from: 2, version: 3 });
      cart.addItem('A', 1, NOW);
      expect(cart.takeChange()).toMatchObject({ from: 3, version: 4 });
    });

    it('holds CartCreated for a new cart', () => {
      const { cart, event } = Cart.create(CART_ID, OWNER, NOW);
      expect(cart.takeChange()).toEqual({
        from: 0,
        version: 0,
        updatedAt: NOW,
        upserted: [],
        removed: [],
        events: [event],
      });
    });
  });

  it('refuses every change to a cart at the highest version with CART_VERSION_LIMIT, changing nothing', () => {
    const top = () => cartWith([{ sku: 'A', quantity: 1 }], MAX_CART_VERSION);
    expectRejected(top(), (cart) => cart.addItem('A', 1, NOW), CartVersionLimitError);
    expectRejected(top(), (cart) => cart.setItemQuantity('A', 2, NOW), CartVersionLimitError);
    expectRejected(top(), (cart) => cart.removeItem('A', NOW), CartVersionLimitError);
    expectRejected(top(), (cart) => cart.clear(NOW), CartVersionLimitError);
    expect(cartWith([{ sku: 'A', quantity: 1 }], MAX_CART_VERSION - 1).addItem('A', 1, NOW).version).toBe(
      MAX_CART_VERSION,
    );
  });
});
