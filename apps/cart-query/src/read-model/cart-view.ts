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

/** Byte order, as the write side sorts: stable across locales. */
const bySku = (a: CartLine, b: CartLine): number => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

function withLine(items: CartLine[], sku: string, quantity: number): CartLine[] {
  const others = items.filter((line) => line.sku !== sku);
  if (quantity === 0) return others;
  return [...others, { sku, quantity }].sort(bySku);
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
    case 'CartSnapshot':
      // Authoritative: nothing of the view before it survives.
      return {
        id: event.cartId,
        owner: event.payload.owner,
        version: event.version,
        items: [...event.payload.lines].sort(bySku),
        updatedAt: event.payload.updatedAt,
      };
  }
}
