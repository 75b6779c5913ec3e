import type { CartEvent } from '@converge/contracts';

export interface CartLine {
  sku: string;
  quantity: number;
}

/** The read model of one cart: the same body the write side answers with, and its owner. */
export interface CartView {
  id: string;
  /** From CartCreated: the only caller this cart is shown to. */
  owner: string;
  version: number;
  items: CartLine[];
  updatedAt: string;
}

function withLine(items: CartLine[], sku: string, quantity: number): CartLine[] {
  const others = items.filter((line) => line.sku !== sku);
  if (quantity === 0) return others;
  // Byte order, as the write side sorts: stable across locales.
  return [...others, { sku, quantity }].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/**
 * The next state of a cart's view. The version gate has already checked that `event` is the
 * next version, so this only describes what each event means.
 */
export function applyCartEvent(view: CartView | undefined, event: CartEvent): CartView {
  const base: CartView = view ?? { id: event.cartId, owner: '', version: -1, items: [], updatedAt: event.occurredAt };
  const next = { ...base, version: event.version, updatedAt: event.occurredAt };
  switch (event.type) {
    case 'CartCreated':
      return { ...next, owner: event.payload.owner, items: [] };
    case 'ItemAdded':
      return { ...next, items: withLine(base.items, event.payload.sku, event.payload.lineQuantity) };
    case 'ItemQuantitySet':
      return { ...next, items: withLine(base.items, event.payload.sku, event.payload.quantity) };
    case 'ItemRemoved':
      return { ...next, items: withLine(base.items, event.payload.sku, 0) };
    case 'CartCleared':
      return { ...next, items: [] };
  }
}
