/** One event's way from Cart's transaction to a read that shows it; times in ms since the epoch. */
export interface Journey {
  eventId: string;
  cartId: string;
  version: number;
  type: string;
  partition: number;
  offset: string;
  /** The event's occurredAt, stamped inside the transaction that committed it. */
  committedAt: number;
  /** The Kafka record's timestamp: when the relay's producer sent it. */
  publishedAt?: number;
  /** When the read model's commit of this version was heard (any Cart-Query instance). */
  appliedAt?: number;
  /** When a read without a session token first answered this version or a later one. */
  visibleAt?: number;
}

/** What the read side said it reached: a cart's view at a version, at a time. */
export interface AppliedNotice {
  cartId: string;
  version: number;
  at: number;
}

/** The write model against the read model, per cart: the inconsistency window, as it stands. */
export interface CartWindow {
  cartId: string;
  writeVersion: number;
  readVersion: number;
  /** When the oldest change the read model has not applied yet committed; undefined when level. */
  behindSince?: number;
  lastChangeAt: number;
}
