import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { type CartEvent, type CartEventOf, childTraceparent, TRACEPARENT_HEADER } from '@converge/contracts';
import { appendToOutbox, OUTBOX_RELAY, type OutboxWakeUp } from '@converge/outbox';
import { cartConfig, type CartConfig } from '../cart.config';
import { Cart, type CartLine } from '../domain/cart';
import { CartNotFoundError } from '../domain/cart.errors';

/** Which cart to change, and the trace context of the request that changes it. */
export interface CartChangeTarget {
  cartId: string;
  /** The caller's traceparent, if any; the outbox event carries a child span of it. */
  traceparent?: string;
}

/** An event that changes one line of an existing cart. */
export type CartLineEvent = Exclude<CartEvent, { type: 'CartCreated' }>;

/** A change to one cart: checks and applies a rule on the locked cart, yields its one event. */
export type CartMutation = (cart: Cart) => CartLineEvent;

/** What the command handlers need; a structural type so they can be tested with a fake. */
export type CartWrites = Pick<CartRepository, 'add' | 'change'>;
export type CartReads = Pick<CartRepository, 'find'>;

interface CartRow {
  id: string;
  version: number;
  updated_at: Date;
}

/** A cart without lines still yields one row from the outer join, with nulls. */
interface NullableLine {
  sku: string | null;
  quantity: number | null;
}

/**
 * Carts in PostgreSQL, written together with their outbox events: a change and its event commit
 * or roll back as one, and a rejected change writes neither.
 */
@Injectable()
export class CartRepository {
  private readonly logger = new Logger('CartRepository');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(cartConfig.KEY) private readonly config: CartConfig,
    @Optional() @Inject(OUTBOX_RELAY) private readonly relay?: OutboxWakeUp,
  ) {}

  /** A new cart needs no lock: nobody else knows its id yet. */
  async add(cart: Cart, event: CartEventOf<'CartCreated'>, traceparent?: string): Promise<void> {
    await this.dataSource.transaction(async (sql) => {
      await sql.query('INSERT INTO carts (id, version, created_at, updated_at) VALUES ($1, $2, $3, $3)', [
        cart.id,
        cart.version,
        event.occurredAt,
      ]);
      await this.append(sql, event, traceparent);
    });
    this.committed(event);
  }

  /**
   * Runs one change in one transaction: lock the cart (concurrent changes to it queue here),
   * apply the mutation, save, append its event. The relay is woken only after the commit.
   */
  async change(target: CartChangeTarget, mutate: CartMutation): Promise<Cart> {
    const { cart, event } = await this.dataSource.transaction(async (sql) => {
      const locked = await this.loadForUpdate(sql, target.cartId);
      const change = mutate(locked);
      await this.save(sql, locked, change);
      await this.append(sql, change, target.traceparent);
      return { cart: locked, event: change };
    });
    this.committed(event);
    return cart;
  }

  /** The cart as last committed, read in one statement so version and lines agree. */
  async find(cartId: string): Promise<Cart | undefined> {
    const rows = await this.dataSource.query<(CartRow & NullableLine)[]>(
      `SELECT c.id, c.version, c.updated_at, i.sku, i.quantity
         FROM carts c LEFT JOIN cart_items i ON i.cart_id = c.id
        WHERE c.id = $1`,
      [cartId],
    );
    if (rows.length === 0) return undefined;
    const lines: CartLine[] = [];
    for (const { sku, quantity } of rows) if (sku !== null && quantity !== null) lines.push({ sku, quantity });
    return restore(rows[0], lines);
  }

  /**
   * Locks first, then reads the lines in a statement of their own: under READ COMMITTED that
   * second statement sees everything the previous lock holder committed. A single locking join
   * would re-check only the locked row after the wait and could return stale lines.
   */
  private async loadForUpdate(sql: EntityManager, cartId: string): Promise<Cart> {
    const [row] = await sql.query<CartRow[]>('SELECT id, version, updated_at FROM carts WHERE id = $1 FOR UPDATE', [
      cartId,
    ]);
    if (row === undefined) throw new CartNotFoundError(cartId);
    const lines = await sql.query<CartLine[]>('SELECT sku, quantity FROM cart_items WHERE cart_id = $1', [cartId]);
    return restore(row, lines);
  }

  /** Every change event names one sku; its line is written as the cart now holds it. */
  private async save(sql: EntityManager, cart: Cart, event: CartLineEvent): Promise<void> {
    await sql.query('UPDATE carts SET version = $2, updated_at = $3 WHERE id = $1', [
      cart.id,
      cart.version,
      event.occurredAt,
    ]);
    const { sku } = event.payload;
    const quantity = cart.quantityOf(sku);
    if (quantity === 0) {
      await sql.query('DELETE FROM cart_items WHERE cart_id = $1 AND sku = $2', [cart.id, sku]);
      return;
    }
    await sql.query(
      `INSERT INTO cart_items (cart_id, sku, quantity) VALUES ($1, $2, $3)
       ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [cart.id, sku, quantity],
    );
  }

  private async append(sql: EntityManager, event: CartEvent, traceparent?: string): Promise<void> {
    const message = {
      topic: this.config.eventsTopic,
      key: event.cartId,
      payload: event,
      headers: { [TRACEPARENT_HEADER]: childTraceparent(traceparent) },
    };
    // In poll mode no relay listens, so a NOTIFY would only add its commit-time lock.
    await appendToOutbox(sql, [message], { notify: this.config.outbox.mode === 'notify' });
  }

  private committed(event: CartEvent): void {
    this.logger.log(`${event.type} committed cartId=${event.cartId} version=${event.version} eventId=${event.eventId}`);
    try {
      this.relay?.wake();
    } catch (error) {
      // The change is committed and the relay's fallback poll will publish it: the client must not see a failure.
      this.logger.warn(
        `relay wake-up failed after cartId=${event.cartId} version=${event.version} eventId=${event.eventId}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }
}

function restore(row: CartRow, lines: CartLine[]): Cart {
  return Cart.restore({ id: row.id, version: row.version, updatedAt: row.updated_at, lines });
}
