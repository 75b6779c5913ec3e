import type { CartEvent } from '@converge/contracts';
import { applyCartEvent, type CartView } from './cart-view';

const cartId = '6f1c1f3e-1d7b-4a51-9a43-1a1ad2c2a001';
let version = 0;
const at = (n: number) => `2026-01-01T00:00:0${n}.000Z`;
const envelope = () => ({ eventId: crypto.randomUUID(), cartId, occurredAt: at(version), schemaVersion: 1 as const });

function replay(events: CartEvent[]): CartView | undefined {
  return events.reduce<CartView | undefined>((view, event) => applyCartEvent(view, event), undefined);
}

describe('applyCartEvent', () => {
  beforeEach(() => (version = 0));

  it('builds the same cart the write side holds, lines sorted by sku in byte order', () => {
    const view = replay([
      { ...envelope(), type: 'CartCreated', version: 0, payload: { owner: 'alice' } },
      { ...envelope(), type: 'ItemAdded', version: 1, payload: { sku: 'b', quantity: 2, lineQuantity: 2 } },
      { ...envelope(), type: 'ItemAdded', version: 2, payload: { sku: 'B', quantity: 1, lineQuantity: 1 } },
      { ...envelope(), type: 'ItemAdded', version: 3, payload: { sku: 'b', quantity: 3, lineQuantity: 5 } },
    ]);
    expect(view).toEqual({
      id: cartId,
      owner: 'alice',
      version: 3,
      items: [
        { sku: 'B', quantity: 1 },
        { sku: 'b', quantity: 5 },
      ],
      updatedAt: at(0),
    });
  });

  it('sets, zeroes and removes lines', () => {
    const view = replay([
      { ...envelope(), type: 'CartCreated', version: 0, payload: { owner: 'alice' } },
      { ...envelope(), type: 'ItemQuantitySet', version: 1, payload: { sku: 'x', quantity: 7 } },
      { ...envelope(), type: 'ItemQuantitySet', version: 2, payload: { sku: 'y', quantity: 1 } },
      { ...envelope(), type: 'ItemQuantitySet', version: 3, payload: { sku: 'x', quantity: 0 } },
      { ...envelope(), type: 'ItemRemoved', version: 4, payload: { sku: 'y' } },
    ]);
    expect(view?.items).toEqual([]);
    expect(view?.version).toBe(4);
  });

  it('empties the cart on CartCleared, at the version of the event', () => {
    const view = replay([
      { ...envelope(), type: 'CartCreated', version: 0, payload: { owner: 'alice' } },
      { ...envelope(), type: 'ItemAdded', version: 1, payload: { sku: 'a', quantity: 2, lineQuantity: 2 } },
      { ...envelope(), type: 'ItemAdded', version: 2, payload: { sku: 'b', quantity: 1, lineQuantity: 1 } },
      { ...envelope(), type: 'CartCleared', version: 3, payload: {} },
    ]);
    expect(view).toMatchObject({ owner: 'alice', version: 3, items: [] });
  });
});
