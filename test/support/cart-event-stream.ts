import { randomUUID } from 'node:crypto';
import type { CartEvent } from '@converge/contracts';
import { TEST_OWNER } from './test-env';

/** Builds one cart's events in version order, as the write side would publish them. */
export class CartEventStream {
  readonly cartId = randomUUID();

  /** The tests' owner by default, so the tests' clients may read the cart. */
  constructor(readonly owner = TEST_OWNER) {}

  private version = -1;
  private readonly lines = new Map<string, number>();

  private envelope() {
    this.version += 1;
    return {
      eventId: randomUUID(),
      cartId: this.cartId,
      version: this.version,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.version % 60)).toISOString(),
      schemaVersion: 1 as const,
    };
  }

  get currentVersion(): number {
    return this.version;
  }

  get items(): Array<{ sku: string; quantity: number }> {
    return [...this.lines]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sku, quantity]) => ({ sku, quantity }));
  }

  created(): CartEvent {
    return { ...this.envelope(), type: 'CartCreated', version: 0, payload: { owner: this.owner } };
  }

  added(sku: string, quantity: number): CartEvent {
    const lineQuantity = (this.lines.get(sku) ?? 0) + quantity;
    this.lines.set(sku, lineQuantity);
    return { ...this.envelope(), type: 'ItemAdded', payload: { sku, quantity, lineQuantity } };
  }
}

export const asMessage = (event: CartEvent) => ({ key: event.cartId, value: JSON.stringify(event) });
