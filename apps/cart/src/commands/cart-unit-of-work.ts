import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { OUTBOX_RELAY, type OutboxWakeUp } from '@converge/outbox';
import { cartConfig, type CartConfig } from '../cart.config';
import type { Cart, CartChange } from '../domain/cart';
import { CartNotFoundError, OwnerCartLimitError } from '../domain/cart.errors';
import type { IdempotentWrite } from '../idempotency/idempotency-key';
import { IdempotencyKeys } from '../idempotency/idempotency-keys.repository';
import { CartRepository } from '../infrastructure/cart.repository';
import type { CartCommand } from './cart-command';

/** A rule of the domain, run on the locked cart: it changes the cart, or throws and changes nothing. */
export type CartRule = (cart: Cart) => unknown;

/** What the command handlers need; a structural type so they can be tested without a database. */
export type CartChanges = Pick<CartUnitOfWork, 'create' | 'change' | 'describe'>;

export type CartStore = Pick<
  CartRepository,
  'transaction' | 'find' | 'lockForUpdate' | 'save' | 'insert' | 'lockForShare' | 'appendEvents' | 'countOwnedAlone'
>;

export type AnswerStore = Pick<IdempotencyKeys, 'record'>;

/** What a new cart carries besides itself. */
export interface CreateOptions {
  traceparent?: string;
  idempotency?: IdempotentWrite<Cart>;
}

/**
 * How often a change read, decided and then found its cart changed meanwhile before it queues on
 * the cart's lock instead: a cart many clients write at once would otherwise make them retry
 * without end.
 */
export const UNLOCKED_ATTEMPTS = 3;

/**
 * Every write to a cart: read it, check the owner and If-Match, run the rule, save what the cart
 * says changed; then wake the relay once it has committed.
 *
 * A change is first tried without a transaction of its own: the read is one statement, and the
 * save one more that writes only if the cart is still at the version read (two round trips, not
 * four). When another change came first it starts again from a fresh read, so it is decided on
 * the cart as it now stands. A request with an Idempotency-Key, whose answer commits with the
 * change, and a change that lost the race `UNLOCKED_ATTEMPTS` times, run in a transaction that
 * locks the cart first: concurrent changes to one cart then queue on its lock.
 */
@Injectable()
export class CartUnitOfWork {
  private readonly logger = new Logger('CartUnitOfWork');
  private readonly maxCartsPerOwner: number;

  constructor(
    @Inject(CartRepository) private readonly carts: CartStore,
    @Optional() @Inject(OUTBOX_RELAY) private readonly relay?: OutboxWakeUp,
    @Optional() @Inject(IdempotencyKeys) private readonly answers?: AnswerStore,
    @Optional() @Inject(cartConfig.KEY) config?: CartConfig,
  ) {
    this.maxCartsPerOwner = config?.ownerLimits.maxCarts ?? 0;
  }

  async create(cart: Cart, options: CreateOptions = {}): Promise<Cart> {
    const change = cart.takeChange();
    if (!change) return cart;
    const { traceparent, idempotency } = options;
    if (idempotency === undefined && this.maxCartsPerOwner === 0) {
      // One statement is its own transaction: the fast path.
      await this.carts.insert(cart, change, traceparent);
    } else {
      await this.carts.transaction(async (client) => {
        if (this.maxCartsPerOwner > 0) await this.requireRoomFor(client, cart.owner);
        await this.carts.insert(cart, change, traceparent, client);
        if (idempotency) await this.record(client, idempotency, cart);
      });
    }
    this.committed(change);
    return cart;
  }

  async change(command: CartCommand, rule: CartRule): Promise<Cart> {
    if (command.idempotency === undefined) {
      for (let attempt = 1; attempt <= UNLOCKED_ATTEMPTS; attempt++) {
        const changed = await this.changeUnlessRaced(command, rule);
        if (changed !== undefined) return changed;
      }
    }
    return this.changeLocked(command, rule);
  }

  /** The cart as changed, or undefined when another change was saved between the read and the save. */
  private async changeUnlessRaced(command: CartCommand, rule: CartRule): Promise<Cart | undefined> {
    const cart = this.decide(command, rule, await this.carts.find(command.cartId));
    const change = cart.takeChange();
    if (!change) return cart;
    const saved = await this.carts.save(cart, change, { traceparent: command.traceparent });
    if (!saved) return undefined;
    this.committed(change);
    return cart;
  }

  private async changeLocked(command: CartCommand, rule: CartRule): Promise<Cart> {
    const { cart, change } = await this.carts.transaction(async (client) => {
      const cart = this.decide(command, rule, await this.carts.lockForUpdate(client, command.cartId));
      const change = cart.takeChange();
      if (change) {
        const saved = await this.carts.save(cart, change, { traceparent: command.traceparent, client });
        if (!saved) throw new Error(`cart ${command.cartId} changed under its lock`);
      }
      // Also when nothing changed (a clear of an empty cart): the retry gets the same answer.
      if (command.idempotency) await this.record(client, command.idempotency, cart);
      return { cart, change };
    });
    if (change) this.committed(change);
    return cart;
  }

  /** The owner and If-Match are checked on the cart as read, then the rule runs on it. */
  private decide(command: CartCommand, rule: CartRule, cart: Cart | undefined): Cart {
    if (cart === undefined) throw new CartNotFoundError(command.cartId);
    cart.requireOwner(command.owner);
    cart.expectVersion(command.expectedVersion);
    rule(cart);
    return cart;
  }

  /**
   * For an operator, not an owner: has each cart (those that exist) describe its whole state in
   * an event, without changing it. Returns the carts that did.
   */
  async describe(cartIds: readonly string[], rule: (cart: Cart) => unknown): Promise<Cart[]> {
    const { carts, changes } = await this.carts.transaction(async (client) => {
      const carts = await this.carts.lockForShare(client, cartIds);
      for (const cart of carts) rule(cart);
      const changes = carts.map((cart) => cart.takeChange()).filter((change) => change !== undefined);
      if (changes.some((change) => change.upserted.length + change.removed.length > 0)) {
        throw new Error('a rule run under a shared lock changed a cart');
      }
      if (changes.length > 0) await this.carts.appendEvents(client, changes);
      return { carts, changes };
    });
    // A rebuild asks for many at once: one line, not one per cart.
    if (changes.length > 0) this.logger.log(`${changes.length} snapshot(s) committed`);
    this.wakeRelay(changes[0]);
    return carts;
  }

  /** Counted under a per-owner lock, so two concurrent creates cannot both take the last place. */
  private async requireRoomFor(client: PoolClient, owner: string): Promise<void> {
    const owned = await this.carts.countOwnedAlone(client, owner);
    if (owned >= this.maxCartsPerOwner) throw new OwnerCartLimitError(this.maxCartsPerOwner);
  }

  private async record(client: PoolClient, write: IdempotentWrite<Cart>, cart: Cart): Promise<void> {
    if (!this.answers) throw new Error('an Idempotency-Key reached a unit of work without a key store');
    await this.answers.record(client, write, cart);
  }

  private committed(change: CartChange): void {
    for (const event of change.events) {
      this.logger.log(
        `${event.type} committed cartId=${event.cartId} version=${event.version} eventId=${event.eventId}`,
      );
    }
    this.wakeRelay(change);
  }

  private wakeRelay(change: CartChange | undefined): void {
    if (change === undefined) return;
    try {
      this.relay?.wake();
    } catch (error) {
      // The change is committed and the relay's fallback poll will publish it: the client must not see a failure.
      const [event] = change.events;
      this.logger.warn(
        `relay wake-up failed after cartId=${event.cartId} version=${event.version} eventId=${event.eventId}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
  }
}
