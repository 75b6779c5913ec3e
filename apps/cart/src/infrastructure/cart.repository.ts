import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { bucketOf } from '@converge/anti-entropy';
import { cartDigest, childTraceparent, digestToBigint, TRACEPARENT_HEADER } from '@converge/contracts';
import {
  OUTBOX_NOTIFY_SQL,
  OUTBOX_RELAY,
  type OutboxCommitSignal,
  outboxInsert,
  type OutboxInsert,
} from '@converge/outbox';
import { inSpan, SpanKind, traceparentOf } from '@converge/tracing';
import { cartConfig, type CartConfig } from '../cart.config';
import { Cart, type CartChange, type CartLine } from '../domain/cart';

interface CartRow {
  id: string;
  owner: string;
  version: number;
  updated_at: Date;
}

/** A cart's row with its lines, aggregated in the statement. */
interface CartWithLinesRow extends CartRow {
  lines: CartLine[];
}

/** The locked row, and what the statement's snapshot held of the cart before any wait for the lock. */
interface LockedCartRow extends CartWithLinesRow {
  snapshot_version: number | null;
}

export type CartReads = Pick<CartRepository, 'find'>;

export interface SaveOptions {
  traceparent?: string;
  /** The transaction to write in; without one the statement is a transaction of its own. */
  client?: PoolClient;
}

/** The first key of the per-owner advisory locks; the outbox relay's single-key lock cannot collide with a pair. */
const OWNER_LOCK_CLASS = 0x63617274;

/** The lines of the cart aliased `c`, as one JSON array: one row per cart, not one per line, to parse. */
const LINES_OF_CART_C = `(SELECT coalesce(json_agg(json_build_object('sku', i.sku, 'quantity', i.quantity)), '[]'::json)
                            FROM cart_items i WHERE i.cart_id = c.id)`;

/**
 * Carts in PostgreSQL, written as state: a change's version, its lines and its events go in one
 * statement, so a change and its outbox rows commit or roll back as one. The repository never
 * reads an event to decide what to write; the cart says what changed.
 */
@Injectable()
export class CartRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(cartConfig.KEY) private readonly config: CartConfig,
    @Optional() @Inject(OUTBOX_RELAY) private readonly relay?: OutboxCommitSignal,
  ) {}

  /**
   * Runs `work` in one transaction on one connection; a connection that cannot even roll back is
   * not given to the next request.
   */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
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
      client.release(broken);
    }
  }

  /**
   * A new cart needs no lock: nobody else knows its id yet. One statement is its own transaction,
   * unless a client is given whose transaction also writes something else.
   */
  async insert(cart: Cart, change: CartChange, traceparent?: string, client?: PoolClient): Promise<void> {
    await this.inOutboxSpan(cart, change, traceparent, 4, (outbox) =>
      (client ?? this.pool).query({
        name: `cart-insert-${this.notify}`,
        text: `WITH cart AS (INSERT INTO carts (id, version, created_at, updated_at, owner, digest)
                          VALUES ($1, $2, $3, $3, $8, $9)),
                  bucket AS (UPDATE cart_digest_buckets SET digest = digest # $9::bigint, carts = carts + 1
                              WHERE bucket = ${bucketOf('$1')}),
                  events AS (${outbox.sql})
             ${this.notifySql}`,
        values: [cart.id, change.version, change.updatedAt, ...outbox.parameters, cart.owner, digestOf(cart)],
      }),
    );
  }

  /**
   * How many carts the owner has, with the owner locked until the transaction ends: two creates
   * for one owner queue here. The count is a statement of its own so that, under READ COMMITTED,
   * it sees what the previous holder of the lock committed.
   */
  async countOwnedAlone(client: PoolClient, owner: string): Promise<number> {
    await client.query({
      name: 'cart-owner-lock',
      text: `SELECT pg_advisory_xact_lock(${OWNER_LOCK_CLASS}, hashtext($1))`,
      values: [owner],
    });
    const { rows } = await client.query<{ n: number }>({
      name: 'cart-owner-count',
      text: 'SELECT count(*)::int AS n FROM carts WHERE owner = $1',
      values: [owner],
    });
    return rows[0].n;
  }

  /**
   * Locks the cart and reads its lines in one round trip where it can. Under READ COMMITTED a
   * statement that waited for the lock gets the locked row as last committed, but its subqueries
   * still read the snapshot taken before the wait, so they could return stale lines. The snapshot's
   * version tells: every change to the lines changes the version in the same statement, so lines
   * read at the version locked are the lines of the row locked. Only after a wait on a cart changed
   * meanwhile are the lines read again, in a statement of their own that sees that commit.
   */
  async lockForUpdate(client: PoolClient, cartId: string): Promise<Cart | undefined> {
    const { rows } = await client.query<LockedCartRow>({
      name: 'cart-lock-read',
      text: `SELECT c.id, c.owner, c.version, c.updated_at,
                    (SELECT s.version FROM carts s WHERE s.id = $1) AS snapshot_version,
                    ${LINES_OF_CART_C} AS lines
               FROM carts c WHERE c.id = $1 FOR UPDATE OF c`,
      values: [cartId],
    });
    const row = rows[0];
    if (row === undefined) return undefined;
    if (row.snapshot_version === row.version) return restore(row, row.lines);
    const lines = await client.query<CartLine>({
      name: 'cart-lines',
      text: 'SELECT sku, quantity FROM cart_items WHERE cart_id = $1',
      values: [cartId],
    });
    return restore(row, lines.rows);
  }

  /**
   * One statement whatever the change, and its own transaction when no client is given: the new
   * version and digest, the lines written and deleted (as arrays), the bucket's digest, the
   * events into the outbox, and the NOTIFY, all only if the cart is still at the change's `from`.
   * Data-modifying CTEs all run, once, and all see the rows as they were before the statement, so
   * each part is gated on the cart's own UPDATE having matched. Under READ COMMITTED that UPDATE,
   * had it waited for a concurrent change, re-checks the version on the row that change committed.
   * Returns whether the change was written. The cart never lists a sku as both written and deleted.
   */
  async save(cart: Cart, change: CartChange, options: SaveOptions = {}): Promise<boolean> {
    const { rowCount } = await this.inOutboxSpan(
      cart,
      change,
      options.traceparent,
      7,
      (outbox) =>
        (options.client ?? this.pool).query({
          name: `cart-save-${this.notify}`,
          text: `WITH before AS (SELECT bucket, digest FROM carts WHERE id = $1),
                  cart AS (UPDATE carts SET version = $2, updated_at = $3, digest = $11
                            WHERE id = $1 AND version = $12 RETURNING id),
                  upserted AS (INSERT INTO cart_items (cart_id, sku, quantity)
                               SELECT $1::uuid, sku, quantity FROM unnest($4::text[], $5::int[]) AS l (sku, quantity)
                                WHERE EXISTS (SELECT FROM cart)
                               ON CONFLICT (cart_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity),
                  removed AS (DELETE FROM cart_items
                               WHERE cart_id = $1 AND sku = ANY($6::text[]) AND EXISTS (SELECT FROM cart)),
                  bucket AS (UPDATE cart_digest_buckets b SET digest = b.digest # before.digest # $11::bigint
                               FROM before, cart WHERE b.bucket = before.bucket),
                  events AS (${outbox.sql})
             ${this.notifySql} FROM cart`,
          values: [
            cart.id,
            change.version,
            change.updatedAt,
            change.upserted.map((line) => line.sku),
            change.upserted.map((line) => line.quantity),
            change.removed,
            ...outbox.parameters,
            digestOf(cart),
            change.from,
          ],
        }),
      'EXISTS (SELECT FROM cart)',
    );
    return rowCount === 1;
  }

  /**
   * Locks the carts against change (not against each other's readers) in id order, so two
   * callers never deadlock, then reads their lines: they stay as read until the commit.
   */
  async lockForShare(client: PoolClient, cartIds: readonly string[]): Promise<Cart[]> {
    const { rows } = await client.query<CartRow>({
      name: 'carts-share',
      text: 'SELECT id, owner, version, updated_at FROM carts WHERE id = ANY($1::uuid[]) ORDER BY id FOR SHARE',
      values: [cartIds],
    });
    if (rows.length === 0) return [];
    const lines = await client.query<CartLine & { cart_id: string }>({
      name: 'carts-lines',
      text: 'SELECT cart_id, sku, quantity FROM cart_items WHERE cart_id = ANY($1::uuid[])',
      values: [rows.map((row) => row.id)],
    });
    const byCart = new Map<string, CartLine[]>(rows.map((row) => [row.id, []]));
    for (const { cart_id, sku, quantity } of lines.rows) byCart.get(cart_id)?.push({ sku, quantity });
    return rows.map((row) => restore(row, byCart.get(row.id) ?? []));
  }

  /** Events of changes that leave every cart's state as it is (snapshots): outbox rows only. */
  async appendEvents(client: PoolClient, changes: readonly CartChange[]): Promise<void> {
    const outbox = this.outbox(
      changes.flatMap((change) => change.events),
      undefined,
      1,
    );
    await client.query({
      name: `cart-append-events-${this.notify}`,
      text: `WITH events AS (${outbox.sql}) ${this.notifySql}`,
      values: outbox.parameters,
    });
  }

  /** The cart as last committed, read in one statement so version and lines agree; one row, its lines as JSON. */
  async find(cartId: string): Promise<Cart | undefined> {
    const { rows } = await this.pool.query<CartWithLinesRow>({
      name: 'cart-find',
      text: `SELECT c.id, c.owner, c.version, c.updated_at,
                    ${LINES_OF_CART_C} AS lines
               FROM carts c WHERE c.id = $1`,
      values: [cartId],
    });
    const row = rows[0];
    return row === undefined ? undefined : restore(row, row.lines);
  }

  /**
   * Raw pg on the write path, from TypeORM's own pool: its query runner costs more CPU per
   * statement than the statement itself, and named statements are parsed and planned once.
   */
  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /**
   * In poll mode no relay listens, and while this process's relay leads it is woken in-process:
   * then a NOTIFY would only add its commit-time lock and a message nobody needs.
   */
  private get notify(): boolean {
    return this.relay?.commitsMustNotify ?? this.config.outbox.mode === 'notify';
  }

  private get notifySql(): string {
    return this.notify ? OUTBOX_NOTIFY_SQL : 'SELECT 1';
  }

  /**
   * Runs the statement that writes a change's events in the outbox insert's span, whose context
   * each row stores: the relay links its publish to it and the consumer continues it.
   */
  private inOutboxSpan<T>(
    cart: Cart,
    change: CartChange,
    traceparent: string | undefined,
    first: number,
    write: (outbox: OutboxInsert) => Promise<T>,
    when?: string,
  ): Promise<T> {
    const attributes = {
      'messaging.destination.name': this.config.eventsTopic,
      'messaging.batch.message_count': change.events.length,
      'cart.id': cart.id,
      'cart.version': change.version,
    };
    return inSpan('outbox insert', { kind: SpanKind.PRODUCER, attributes }, (span) =>
      write(this.outbox(change.events, traceparent, first, traceparentOf(span), when)),
    );
  }

  /**
   * Each event carries the outbox insert's span when tracing is on; otherwise a child span of
   * the request's trace context, so the trace id still travels.
   */
  private outbox(
    events: CartChange['events'],
    traceparent: string | undefined,
    first: number,
    spanTraceparent?: string,
    when?: string,
  ): OutboxInsert {
    const messages = events.map((event) => ({
      topic: this.config.eventsTopic,
      key: event.cartId,
      payload: event,
      headers: { [TRACEPARENT_HEADER]: spanTraceparent ?? childTraceparent(traceparent) },
    }));
    return outboxInsert(messages, first, when);
  }
}

/** The cart's digest as it now stands, for anti-entropy: see contracts' cartDigest. */
function digestOf(cart: Cart): string {
  return digestToBigint(cartDigest({ id: cart.id, version: cart.version, owner: cart.owner, lines: cart.items }));
}

function restore(row: CartRow, lines: CartLine[]): Cart {
  return Cart.restore({ id: row.id, owner: row.owner, version: row.version, updatedAt: row.updated_at, lines });
}
