import { randomUUID } from 'node:crypto';
import {
  CART_EVENT_SCHEMA_VERSION,
  type CartEvent,
  type CartEventOf,
  MAX_CART_LINES,
  MAX_CART_VERSION,
  MAX_LINE_QUANTITY,
  SKU_PATTERN,
} from '@converge/contracts';
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

export interface CartLine {
  readonly sku: string;
  readonly quantity: number;
}

/** A cart as persistence hands it back: trusted, not re-validated. */
export interface CartState {
  id: string;
  owner: string;
  version: number;
  updatedAt: Date;
  lines: Iterable<CartLine>;
}

type Envelope = Omit<CartEvent, 'type' | 'payload'>;

/**
 * What the changes since the cart was loaded did, for a repository to persist as state: the
 * lines as they now are, the lines gone, and every event raised, in order.
 */
export interface CartChange {
  /** The version the cart was at when these changes began: they may be written only over it. */
  readonly from: number;
  readonly version: number;
  readonly updatedAt: Date;
  readonly upserted: readonly CartLine[];
  readonly removed: readonly string[];
  readonly events: readonly CartEvent[];
}

/** Lines touched since load: a sku's last touch decides whether it is written or deleted. */
class PendingChange {
  constructor(readonly from: number) {}
  readonly touched = new Set<string>();
  readonly events: CartEvent[] = [];
}

/**
 * The cart aggregate. Every change is checked here first, then applied, and raises the version
 * by exactly one and yields the event that describes it; a rejected change leaves the cart as it
 * was. The cart also records what its changes did (`takeChange`), so a repository persists its
 * state without reading events. `now` comes from the caller so the event's occurredAt and the
 * cart's updatedAt are the same instant.
 */
export class Cart {
  private pending: PendingChange;

  private constructor(
    readonly id: string,
    readonly owner: string,
    private currentVersion: number,
    private lastChange: Date,
    private readonly lines: Map<string, number>,
  ) {
    this.pending = new PendingChange(currentVersion);
  }

  /** The caller who creates a cart owns it; the owner is validated at the edge, from the access token. */
  static create(id: string, owner: string, now: Date): { cart: Cart; event: CartEventOf<'CartCreated'> } {
    const cart = new Cart(id, owner, 0, now, new Map());
    const event: CartEventOf<'CartCreated'> = {
      ...cart.envelope(),
      type: 'CartCreated',
      version: 0,
      payload: { owner },
    };
    return { cart, event: cart.raise(event) };
  }

  static restore(state: CartState): Cart {
    const lines = new Map<string, number>();
    for (const line of state.lines) lines.set(line.sku, line.quantity);
    return new Cart(state.id, state.owner, state.version, state.updatedAt, lines);
  }

  get version(): number {
    return this.currentVersion;
  }

  get updatedAt(): Date {
    return this.lastChange;
  }

  /** Sorted by sku in code-unit order, which for the ASCII-only SKU_PATTERN is byte order. */
  get items(): CartLine[] {
    return [...this.lines]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sku, quantity]) => ({ sku, quantity }));
  }

  /** 0 when the cart has no line for the sku. */
  quantityOf(sku: string): number {
    return this.lines.get(sku) ?? 0;
  }

  /**
   * Only its owner may see or change a cart. To anyone else it answers exactly as a cart that
   * does not exist, so cart ids cannot be probed for.
   */
  requireOwner(caller: string): void {
    if (caller !== this.owner) throw new CartNotFoundError(this.id);
  }

  /**
   * What changed since the cart was loaded (or last taken), and starts recording afresh;
   * undefined when nothing did.
   */
  takeChange(): CartChange | undefined {
    const { from, touched, events } = this.pending;
    this.pending = new PendingChange(this.currentVersion);
    if (events.length === 0) return undefined;
    const skus = [...touched];
    return {
      from,
      version: this.currentVersion,
      updatedAt: this.lastChange,
      upserted: skus.filter((sku) => this.lines.has(sku)).map((sku) => ({ sku, quantity: this.quantityOf(sku) })),
      removed: skus.filter((sku) => !this.lines.has(sku)),
      events,
    };
  }

  /** Optimistic concurrency: undefined means the client did not ask for a version. */
  expectVersion(expected: number | undefined): void {
    if (expected !== undefined && expected !== this.currentVersion) {
      throw new VersionMismatchError(this.id, expected, this.currentVersion);
    }
  }

  /** Adds to the sku's line, creating it when absent. */
  addItem(sku: string, quantity: number, now: Date): CartEventOf<'ItemAdded'> {
    this.requireRoomForVersion();
    requireSku(sku);
    requireQuantity(quantity, 1);
    const lineQuantity = this.quantityOf(sku) + quantity;
    if (!this.lines.has(sku)) this.requireRoomForLine();
    if (lineQuantity > MAX_LINE_QUANTITY) throw new LineQuantityLimitError(sku, lineQuantity);
    this.setLine(sku, lineQuantity);
    return this.raise({ ...this.advance(now), type: 'ItemAdded', payload: { sku, quantity, lineQuantity } });
  }

  /**
   * Sets the sku's line to the quantity: 0 removes the line, which must then exist (removing
   * nothing is a client mistake worth reporting); a positive quantity creates an absent line.
   * Setting the quantity a line already has is still a change: a new version and an event.
   */
  setItemQuantity(sku: string, quantity: number, now: Date): CartEventOf<'ItemQuantitySet'> {
    this.requireRoomForVersion();
    requireSku(sku);
    requireQuantity(quantity, 0);
    if (quantity === 0) this.requireLine(sku);
    else if (!this.lines.has(sku)) this.requireRoomForLine();
    this.setLine(sku, quantity);
    return this.raise({ ...this.advance(now), type: 'ItemQuantitySet', payload: { sku, quantity } });
  }

  removeItem(sku: string, now: Date): CartEventOf<'ItemRemoved'> {
    this.requireRoomForVersion();
    requireSku(sku);
    this.requireLine(sku);
    this.setLine(sku, 0);
    return this.raise({ ...this.advance(now), type: 'ItemRemoved', payload: { sku } });
  }

  /**
   * Removes every line in one change. An empty cart has nothing to clear: no new version and no
   * event, so a retried clear changes nothing either.
   */
  clear(now: Date): CartEventOf<'CartCleared'> | undefined {
    if (this.lines.size === 0) return undefined;
    this.requireRoomForVersion();
    for (const sku of [...this.lines.keys()]) this.setLine(sku, 0);
    return this.raise({ ...this.advance(now), type: 'CartCleared', payload: {} });
  }

  /**
   * The cart's whole state as an event, for a reader that lost track of it. It changes nothing,
   * so it keeps the version: on the partition it sits after this version's event and before the
   * next one's, because the cart stays locked while it is written.
   */
  snapshot(now: Date): CartEventOf<'CartSnapshot'> {
    return this.raise({
      ...this.envelope(),
      occurredAt: now.toISOString(),
      type: 'CartSnapshot',
      payload: { owner: this.owner, lines: this.items, updatedAt: this.lastChange.toISOString() },
    });
  }

  /** 0 removes the line. */
  private setLine(sku: string, quantity: number): void {
    if (quantity === 0) this.lines.delete(sku);
    else this.lines.set(sku, quantity);
    this.pending.touched.add(sku);
  }

  private raise<E extends CartEvent>(event: E): E {
    this.pending.events.push(event);
    return event;
  }

  private requireLine(sku: string): void {
    if (!this.lines.has(sku)) throw new LineNotFoundError(this.id, sku);
  }

  private requireRoomForVersion(): void {
    if (this.currentVersion >= MAX_CART_VERSION) throw new CartVersionLimitError(this.id);
  }

  private requireRoomForLine(): void {
    if (this.lines.size >= MAX_CART_LINES) throw new CartLineLimitError(this.id);
  }

  /** Called only once a change is known to be valid, so a rejected change never bumps the version. */
  private advance(now: Date): Envelope {
    this.currentVersion += 1;
    this.lastChange = now;
    return this.envelope();
  }

  private envelope(): Envelope {
    return {
      eventId: randomUUID(),
      cartId: this.id,
      version: this.currentVersion,
      occurredAt: this.lastChange.toISOString(),
      schemaVersion: CART_EVENT_SCHEMA_VERSION,
    };
  }
}

function requireSku(sku: string): void {
  if (typeof sku !== 'string' || !SKU_PATTERN.test(sku)) throw new InvalidSkuError();
}

function requireQuantity(quantity: number, min: number): void {
  if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_LINE_QUANTITY) {
    throw new InvalidQuantityError(min, MAX_LINE_QUANTITY);
  }
}
