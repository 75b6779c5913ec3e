import { CART_EVENT_TYPES, type CartEventType } from './cart-events';
import { decodeCartEvent } from './decode-cart-event';

const envelope = {
  eventId: '0b0c9f62-6f0e-4b8e-9a55-6a2b8f1c2d3e',
  cartId: '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  version: 3,
  occurredAt: '2026-01-01T00:00:00.000Z',
  schemaVersion: 1,
};
const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

/** One valid example per type; the Record makes the compiler ask for a new type's example. */
const EXAMPLES = {
  CartCreated: { ...envelope, version: 0, type: 'CartCreated', payload: { owner: 'alice' } },
  ItemAdded: { ...envelope, type: 'ItemAdded', payload: { sku: 'A', quantity: 1, lineQuantity: 1 } },
  ItemQuantitySet: { ...envelope, type: 'ItemQuantitySet', payload: { sku: 'A', quantity: 0 } },
  ItemRemoved: { ...envelope, type: 'ItemRemoved', payload: { sku: 'A' } },
  CartCleared: { ...envelope, type: 'CartCleared', payload: {} },
  CartSnapshot: {
    ...envelope,
    type: 'CartSnapshot',
    payload: { owner: 'alice', lines: [{ sku: 'A', quantity: 2 }], updatedAt: '2026-01-01T00:00:00.000Z' },
  },
} satisfies Record<CartEventType, object>;

describe('decodeCartEvent', () => {
  it('knows every type the schema declares, read off the schema', () => {
    expect([...CART_EVENT_TYPES].sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(Object.entries(EXAMPLES))('decodes a valid %s', (_type, event) => {
    expect(decodeCartEvent(encode(event))).toEqual({ ok: true, event });
  });

  it('calls a type the schema does not know poison, with its reason', () => {
    expect(decodeCartEvent(encode({ ...envelope, type: 'CartExploded', payload: {} }))).toEqual({
      ok: false,
      reason: 'unknown-type',
      detail: 'type "CartExploded"',
    });
  });

  it('refuses a snapshot naming one sku twice', () => {
    const lines = [
      { sku: 'A', quantity: 1 },
      { sku: 'A', quantity: 2 },
    ];
    const twice = { ...EXAMPLES.CartSnapshot, payload: { ...EXAMPLES.CartSnapshot.payload, lines } };
    expect(decodeCartEvent(encode(twice))).toMatchObject({ ok: false, reason: 'schema-violation' });
  });

  it('refuses a CartCleared that carries anything', () => {
    expect(decodeCartEvent(encode({ ...EXAMPLES.CartCleared, payload: { sku: 'A' } }))).toMatchObject({
      ok: false,
      reason: 'schema-violation',
    });
  });
});
