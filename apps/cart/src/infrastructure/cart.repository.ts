import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { type CartEvent, type CartEventOf, childTraceparent, TRACEPARENT_HEADER } from '@converge/contracts';
import { OUTBOX_NOTIFY_SQL, OUTBOX_RELAY, outboxInsert, type OutboxMessage, type OutboxWakeUp } from '@converge/outbox';
import { cartConfig, type CartConfig } from '../cart.config';
import { Cart, type CartLine } from '../domain/cart';
import { CartNotFoundError } from '../domain/cart.errors';

/** Which cart to change, on whose behalf, and the trace context of the request that changes it. */
export interface CartChangeTarget {
  cartId: string;
  /** The caller: a cart someone else owns is, to them, a cart that does not exist. */
  owner: string;
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
  owner: string;
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

  /** A new cart needs no lock: nobody else knows its id yet. One statement is its own transaction. */
  async add(cart: Cart, event: CartEventOf<'CartCreated'>, traceparent?: string): Promise<void> {
    const outbox = outboxInsert(this.outboxMessage(event, traceparent), 4);
    await this.pool.query({
      name: `cart-create-${this.notify}`,
      text: `WITH cart AS (INSERT INTO carts (id, version, created_at, updated_at, owner) VALUES ($1, $2, $3, $3, $8)),
                  event AS (${outbox.sql})
             ${this.notify ? OUTBOX_NOTIFY_SQL : 'SELECT 1'}`,
      values: [cart.id, cart.version, event.occurredAt, ...outbox.parameters, cart.owner],
    });
    this.committed(event);
  }

  /**
   * Runs one change in one transaction: lock the cart (concurrent changes to it queue here),
   * apply the mutation, then write the cart, its line and its event in one statement. The relay
   * is woken only after the commit. Five round trips, on named (prepared) statements.
   */
  async change(target: CartChangeTarget, mutate: CartMutation): Promise<Cart> {
    const { cart, event } = await this.inTransaction(async (client) => {
      const locked = await this.loadForUpdate(client, target.cartId);
      locked.requireOwner(target.owner);
      const change = mutate(locked);
      await this.save(client, locked, change, target.traceparent);
      return { cart: locked, event: change };
    });
    this.committed(event);
    return cart;
  }

  /** The cart as last committed, read in one statement so version and lines agree. */
  async find(cartId: string): Promise<Cart | undefined> {
    const { rows } = await this.pool.query<CartRow & NullableLine>({
      name: 'cart-find',
      text: `SELECT c.id, c.owner, c.version, c.updated_at, i.sku, i.quantity
               FROM carts c LEFT JOIN cart_items i ON i.cart_id = c.id
              WHERE c.id = $1`,
      values: [cartId],
    });
    if (rows.length === 0) return undefined;
    const lines: CartLine[] = [];
    for (const { sku, quantity } of rows) if (sku !== null && quantity !== null) lines.push({ sku, quantity });
    return restore(rows[0], lines);
  }

  /**
   * Raw pg on the write path, from TypeORM's own pool: its query runner costs more CPU per
   * statement than the statement itself, and named statements are parsed and planned once.
   */
  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  private get notify(): boolean {
    // In poll mode no relay listens, so a NOTIFY would only add its commit-time lock.
    return this.config.outbox.mode === 'notify';
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw error;
    } finally {
      // A connection that cannot even roll back is not given to the next request.
      client.release(broken);
    }
  }

  /**
   * Locks first, then reads the lines in a statement of their own: under READ COMMITTED that
   * second statement sees everything the previous lock holder committed. A single locking join
   * would re-check only the locked row after the wait and could return stale lines.
   */
  private async loadForUpdate(client: PoolClient, cartId: string): Promise<Cart> {
    const { rows } = await client.query<CartRow>({
      name: 'cart-lock',
      text: 'SELECT id, owner, version, updated_at FROM carts WHERE id = $1 FOR UPDATE',
      values: [cartId],
    });
    if (rows[0] === undefined) throw new CartNotFoundError(cartId);
    const lines = await client.query<CartLine>({
      name: 'cart-lines',
      text: 'SELECT sku, quantity FROM cart_items WHERE cart_id = $1',
      values: [cartId],
    });
    return restore(rows[0], lines.rows);
  }

  /** Every change event names one sku; its line is written as the cart now holds it, with the event. */
  private async save(client: PoolClient, cart: Cart, event: CartLineEvent, traceparent?: string): Promise<void> {
    const { sku } = event.payload;
    const quantity = cart.quantityOf(sku);
    const outbox = outboxInsert(this.outboxMessage(event, traceparent), 4);
    const line =
      quantity === 0
        ? 'DELETE FROM cart_items WHERE cart_id = $1 AND sku = $8'
        : `INSERT INTO cart_items (cart_id, sku, quantity) VALUES ($1, $8, $9)
           ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity`;
    // Data-modifying CTEs all run, once, whatever the final SELECT returns.
    await client.query({
      name: `cart-save-${quantity === 0 ? 'removal' : 'line'}-${this.notify}`,
      text: `WITH cart AS (UPDATE carts SET version = $2, updated_at = $3 WHERE id = $1),
                  line AS (${line}),
                  event AS (${outbox.sql})
             ${this.notify ? OUTBOX_NOTIFY_SQL : 'SELECT 1'}`,
      values: [
        cart.id,
        cart.version,
        event.occurredAt,
        ...outbox.parameters,
        sku,
        ...(quantity === 0 ? [] : [quantity]),
      ],
    });
  }

  private outboxMessage(event: CartEvent, traceparent?: string): OutboxMessage {
    return {
      topic: this.config.eventsTopic,
      key: event.cartId,
      payload: event,
      headers: { [TRACEPARENT_HEADER]: childTraceparent(traceparent) },
    };
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
  return Cart.restore({ id: row.id, owner: row.owner, version: row.version, updatedAt: row.updated_at, lines });
}
