/**
 * notify: woken in-process right after a commit and by LISTEN/NOTIFY from other processes, with
 *         a fallback poll as a safety net.
 * poll:   a fixed-interval poll only: the naive baseline most tutorials ship, kept for comparison.
 * off:    rows are written and this instance publishes nothing: another publisher reads the table
 *         (the benchmark's Debezium mode, which tails the WAL).
 */
export type OutboxRelayMode = 'notify' | 'poll' | 'off';

export interface OutboxRelayOptions {
  /** The relay holds connections of its own: one for leadership and LISTEN, one for work. */
  databaseUrl: string;
  mode: OutboxRelayMode;
  /** Fallback poll in notify mode; the only trigger in poll mode. */
  pollIntervalMs: number;
  /** Most rows published per broker round trip. */
  batchSize: number;
  /**
   * Most payload bytes a pass reads (default 4 MiB); a pass takes at least one row. Bounds the
   * relay's memory whatever the rows hold: 5,000 snapshots of full carts would be 50 MB.
   */
  batchBytes?: number;
  /** Published rows older than this are deleted; long enough to re-publish after a broker loss. */
  retentionMs: number;
  /** Advisory lock that elects the one publishing relay among all instances on this database. */
  lockKey?: number;
  /** How often a standby asks for leadership. */
  standbyRetryMs?: number;
  /**
   * A leader whose lock connection goes silent loses the lock this long after its last heartbeat
   * reached the server, and stops publishing before that (default 5000; see leaseTimings).
   */
  leaseMs?: number;
  /** When set, a watermark goes to every partition of these topics after scans that published all they saw. */
  watermarks?: WatermarkOptions;
}

export interface WatermarkOptions {
  topics: string[];
  /** At most one watermark this often while rows flow (default 100). */
  busyEveryMs?: number;
  /** At least one this often while nothing is written, so an idle system still shows fresh ones (default 1000). */
  idleEveryMs?: number;
}

/** What a writer needs from the relay: a nudge after its transaction committed. */
export interface OutboxWakeUp {
  wake(): void;
}

/** What the statement writing outbox rows asks the relay: whether its commit must also NOTIFY. */
export interface OutboxCommitSignal {
  readonly commitsMustNotify: boolean;
}

/** Nest injection token for the service's OutboxRelay. */
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
