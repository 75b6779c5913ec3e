import type { AppliedNotice, CartWindow, Journey } from './journey';
import { LagHistogram, type LagHistogramView } from './lag-histogram';

export interface JourneyBoardLimits {
  /** Journeys remembered; the oldest go first. */
  journeys: number;
  /** Carts whose window is tracked; the least recently changed go first. */
  carts: number;
  /** Journeys sent in one update at most; the rest are counted, not sent. */
  perUpdate: number;
}

const DEFAULT_LIMITS: JourneyBoardLimits = { journeys: 2000, carts: 500, perUpdate: 200 };
/** Notices kept per cart, for events the studio's consumer sees after the read model applied them. */
const NOTICES_PER_CART = 16;

export interface PublishedEvent {
  eventId: string;
  cartId: string;
  version: number;
  type: string;
  owner?: string;
  occurredAt: string;
  partition: number;
  offset: string;
  timestamp?: number;
}

/** What changed since the last update: bounded, so a burst of writes stays one small message. */
export interface BoardUpdate {
  journeys: Journey[];
  /** Journeys that changed but were left out of this update for its size. */
  omitted: number;
  carts: CartWindow[];
  lag: LagHistogramView;
  totals: { published: number; applied: number; visible: number };
}

interface CartState extends CartWindow {
  owner?: string;
  notices: AppliedNotice[];
  journeys: Set<string>;
}

/**
 * Puts together, per event, what three independent sources say: the events topic (committed,
 * published), the read model's applied stream, and the studio's own reads (visible). Any of
 * them may speak first. A plain class: the studio's adapters feed it, the tests drive it.
 */
export class JourneyBoard {
  private readonly journeys = new Map<string, Journey>();
  private readonly carts = new Map<string, CartState>();
  private readonly dirty = new Set<string>();
  private readonly lag = new LagHistogram();
  private readonly totals = { published: 0, applied: 0, visible: 0 };
  private readonly limits: JourneyBoardLimits;

  constructor(limits: Partial<JourneyBoardLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  published(event: PublishedEvent): Journey {
    const cart = this.cart(event.cartId);
    if (event.owner) cart.owner = event.owner;
    const journey: Journey = {
      eventId: event.eventId,
      cartId: event.cartId,
      version: event.version,
      type: event.type,
      partition: event.partition,
      offset: event.offset,
      committedAt: Date.parse(event.occurredAt),
      publishedAt: event.timestamp,
    };
    this.remember(journey, cart);
    this.totals.published += 1;
    this.advance(cart, journey.version, journey.committedAt);
    // The read model may have applied it before the studio's consumer got to it.
    const notice = cart.notices.find((n) => n.version >= journey.version && n.at >= journey.committedAt);
    if (notice) this.markApplied(journey, notice.at);
    return journey;
  }

  /** A write the studio made itself, known before its event reaches the topic. */
  written(cartId: string, version: number, at: number): void {
    this.advance(this.cart(cartId), version, at);
  }

  applied(notices: AppliedNotice[]): void {
    for (const notice of notices) {
      const cart = this.cart(notice.cartId);
      cart.notices.push(notice);
      if (cart.notices.length > NOTICES_PER_CART) cart.notices.shift();
      if (notice.version > cart.readVersion) cart.readVersion = notice.version;
      if (cart.readVersion >= cart.writeVersion) cart.behindSince = undefined;
      else cart.behindSince = this.oldestUnapplied(cart) ?? cart.behindSince;
      cart.lastChangeAt = Math.max(cart.lastChangeAt, notice.at);
      for (const journey of this.journeysOf(cart)) {
        if (journey.appliedAt === undefined && journey.version <= notice.version && notice.at >= journey.committedAt) {
          this.markApplied(journey, notice.at);
        }
      }
      this.touchCart(cart);
    }
  }

  /** A read without a session token answered `version` of the cart, at `at`. */
  visible(cartId: string, version: number, at: number): void {
    const cart = this.carts.get(cartId);
    if (!cart) return;
    for (const journey of this.journeysOf(cart)) {
      if (journey.visibleAt === undefined && journey.appliedAt !== undefined && journey.version <= version) {
        journey.visibleAt = Math.max(at, journey.appliedAt);
        this.totals.visible += 1;
        this.dirty.add(journey.eventId);
      }
    }
  }

  ownerOf(cartId: string): string | undefined {
    return this.carts.get(cartId)?.owner;
  }

  /** The newest journeys first, for a client that just arrived. */
  recent(limit = 100): Journey[] {
    return [...this.journeys.values()].slice(-limit).reverse();
  }

  window(cartId: string): CartWindow | undefined {
    const cart = this.carts.get(cartId);
    return cart && toWindow(cart);
  }

  /** What changed since the last call, and the aggregates as they stand. */
  update(cartLimit = 12): BoardUpdate {
    const changed = [...this.dirty].map((id) => this.journeys.get(id)).filter((j): j is Journey => j !== undefined);
    this.dirty.clear();
    const sent = changed.slice(-this.limits.perUpdate);
    return { journeys: sent, omitted: changed.length - sent.length, ...this.aggregates(cartLimit) };
  }

  /** The windows of the most recently changed carts, the lag histogram and the counts; drains nothing. */
  aggregates(cartLimit = 12): Omit<BoardUpdate, 'journeys' | 'omitted'> {
    return {
      carts: [...this.carts.values()].slice(-cartLimit).reverse().map(toWindow),
      lag: this.lag.view(),
      totals: { ...this.totals },
    };
  }

  private advance(cart: CartState, version: number, at: number): void {
    if (version > cart.writeVersion) {
      cart.writeVersion = version;
      if (cart.readVersion < version) cart.behindSince ??= at;
    }
    cart.lastChangeAt = Math.max(cart.lastChangeAt, at);
    this.touchCart(cart);
  }

  private markApplied(journey: Journey, at: number): void {
    journey.appliedAt = at;
    this.totals.applied += 1;
    this.lag.add(Math.max(0, at - journey.committedAt));
    this.dirty.add(journey.eventId);
  }

  private remember(journey: Journey, cart: CartState): void {
    this.journeys.delete(journey.eventId);
    this.journeys.set(journey.eventId, journey);
    cart.journeys.add(journey.eventId);
    this.dirty.add(journey.eventId);
    while (this.journeys.size > this.limits.journeys) {
      const [oldest] = this.journeys.values();
      this.journeys.delete(oldest.eventId);
      this.carts.get(oldest.cartId)?.journeys.delete(oldest.eventId);
      this.dirty.delete(oldest.eventId);
    }
  }

  private journeysOf(cart: CartState): Journey[] {
    return [...cart.journeys].map((id) => this.journeys.get(id)).filter((j): j is Journey => j !== undefined);
  }

  private oldestUnapplied(cart: CartState): number | undefined {
    const waiting = this.journeysOf(cart).filter((j) => j.version > cart.readVersion);
    return waiting.length === 0 ? undefined : Math.min(...waiting.map((j) => j.committedAt));
  }

  private cart(cartId: string): CartState {
    const known = this.carts.get(cartId);
    if (known) return known;
    const cart: CartState = {
      cartId,
      writeVersion: -1,
      readVersion: -1,
      lastChangeAt: 0,
      notices: [],
      journeys: new Set(),
    };
    this.carts.set(cartId, cart);
    while (this.carts.size > this.limits.carts) {
      const [oldest] = this.carts.keys();
      this.carts.delete(oldest);
    }
    return cart;
  }

  /** Most recently changed last, so the map's order is the eviction order. */
  private touchCart(cart: CartState): void {
    this.carts.delete(cart.cartId);
    this.carts.set(cart.cartId, cart);
  }
}

function toWindow(cart: CartState): CartWindow {
  return {
    cartId: cart.cartId,
    writeVersion: cart.writeVersion,
    readVersion: cart.readVersion,
    behindSince: cart.readVersion >= cart.writeVersion ? undefined : cart.behindSince,
    lastChangeAt: cart.lastChangeAt,
  };
}
