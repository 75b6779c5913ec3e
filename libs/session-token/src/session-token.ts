import { normaliseCartId } from './cart-id';

/** Bounds the token's size: it travels in a header on every request. */
export const MAX_SESSION_TOKEN_CARTS = 32;

/** Versions travel as big-endian uint32 on the wire. */
const MAX_VERSION = 0xffff_ffff;

export type SessionTokenEntry = readonly [cartId: string, version: number];

/**
 * The minimum read-model version a client must see per cart, so a read never goes back in time
 * behind the client's own writes. Immutable: every change returns a new token.
 */
export class SessionToken {
  /** Insertion order is recency order (oldest first), which makes dropping the least recent cheap. */
  private readonly versions: ReadonlyMap<string, number>;

  private constructor(versions: Map<string, number>) {
    this.versions = versions;
  }

  static empty(): SessionToken {
    return new SessionToken(new Map());
  }

  /** Entries are taken oldest first; a repeated cart keeps its highest version and its last position. */
  static of(entries: Iterable<readonly [string, number]>): SessionToken {
    const versions = new Map<string, number>();
    for (const [cartId, version] of entries) {
      requireInto(versions, cartId, version);
    }
    return new SessionToken(versions);
  }

  get size(): number {
    return this.versions.size;
  }

  get isEmpty(): boolean {
    return this.versions.size === 0;
  }

  minVersion(cartId: string): number | undefined {
    return this.versions.get(cartId.toLowerCase());
  }

  require(cartId: string, version: number): SessionToken {
    const versions = new Map(this.versions);
    requireInto(versions, cartId, version);
    return new SessionToken(versions);
  }

  merge(newer: SessionToken): SessionToken {
    const versions = new Map(this.versions);
    for (const [cartId, version] of newer.versions) {
      requireInto(versions, cartId, version);
    }
    return new SessionToken(versions);
  }

  entries(): ReadonlyArray<SessionTokenEntry> {
    return Object.freeze([...this.versions].map(([cartId, version]) => Object.freeze([cartId, version] as const)));
  }
}

function requireInto(versions: Map<string, number>, cartId: string, version: number): void {
  const id = normaliseCartId(cartId);
  assertVersion(version);
  const highest = Math.max(versions.get(id) ?? 0, version);
  // Re-inserting moves the cart to the most recent end of the map.
  versions.delete(id);
  versions.set(id, highest);
  if (versions.size > MAX_SESSION_TOKEN_CARTS) {
    const oldest = versions.keys().next().value as string;
    versions.delete(oldest);
  }
}

function assertVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0 || version > MAX_VERSION) {
    throw new RangeError(`version must be an integer from 0 to ${MAX_VERSION}`);
  }
}
