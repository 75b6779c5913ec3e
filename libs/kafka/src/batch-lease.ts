/**
 * Answers from the group coordinator that mean this member no longer owns what it was handed:
 * a rebalance began (the member must give up its partitions and rejoin), its generation is
 * over, or it was expelled from the group.
 */
const REVOKING_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * The one revoking answer that leaves the generation open: until this member rejoins, the
 * coordinator holds the group in its preparing phase, assigns nothing, and still accepts this
 * member's commits for the generation (the eager protocol's commit-on-revoke relies on it).
 */
const REBALANCE_ANNOUNCED = 'REBALANCE_IN_PROGRESS';

function typeOf(error: unknown): unknown {
  return ((typeof error === 'object' && error !== null ? error : {}) as { type?: unknown }).type;
}

export function revokesPartitions(error: unknown): boolean {
  const type = typeOf(error);
  return typeof type === 'string' && REVOKING_ERRORS.has(type);
}

/**
 * One consumer's place in its group. Each join opens a generation; a rebalance the coordinator
 * announces (through any batch's heartbeat) ends the current one for every batch at once, since
 * kafkajs rejoins only once every batch in flight has returned.
 */
export class GroupMembership {
  private generation = 0;
  private revocation?: unknown;

  /** The consumer joined (again): batches handed out before belong to an older generation. */
  joined(): void {
    this.generation++;
    this.revocation = undefined;
  }

  revoke(reason: unknown): void {
    this.revocation ??= reason;
  }

  /** What a batch remembers: it is revoked once the generation it was handed in is over. */
  current(): number {
    return this.generation;
  }

  /** Why the generation handed out `generation` is over; undefined while it lasts. */
  revokedSince(generation: number): unknown {
    if (generation !== this.generation) return new Error('the consumer rejoined its group since');
    return this.revocation;
  }

  /** Whether the coordinator still takes this member's commits for `generation`. */
  mayCommitFor(generation: number): boolean {
    if (generation !== this.generation) return false;
    return this.revocation === undefined || typeOf(this.revocation) === REBALANCE_ANNOUNCED;
  }
}

export const REVOKED = Symbol('revoked');

export interface BatchLeaseOptions {
  membership: GroupMembership;
  heartbeat: () => Promise<void>;
  /** The partition was moved by a seek, or anything else that makes the batch stale. */
  isStale: () => boolean;
  heartbeatIntervalMs: number;
  /**
   * How long work in flight when a rebalance is announced may go on to finish and be committed.
   * It delays this member's rejoin, so it stays well within the group's rebalance timeout.
   */
  drainMs: number;
  /** How often a wait checks whether the lease was lost meanwhile. */
  pollMs?: number;
}

/**
 * A fetched batch's claim on its partition: held until the group moves the partition. While it
 * is held it heartbeats, so a slow handler does not get its member expelled. Once a rebalance is
 * announced nothing new starts, but work already running may finish within `drainMs` and be
 * committed: the partition cannot have a new owner before this member rejoins. Once the
 * generation is over, the batch is given up uncommitted, because the partition's new owner
 * starts again from the last commit.
 */
export class BatchLease {
  private readonly generation: number;
  private staleSeen = false;
  private lostAt?: number;

  constructor(private readonly options: BatchLeaseOptions) {
    this.generation = options.membership.current();
  }

  /** Why the lease was lost; undefined while it is held. */
  get lostBecause(): unknown {
    const revocation = this.options.membership.revokedSince(this.generation);
    if (revocation !== undefined) return revocation;
    if (this.stale) return new Error('the partition was sought to another offset');
    return undefined;
  }

  /** A seek moved the partition; once seen, for good. */
  private get stale(): boolean {
    this.staleSeen ||= this.options.isStale();
    return this.staleSeen;
  }

  get held(): boolean {
    return this.lostBecause === undefined;
  }

  /** Whether work that finished may still be committed: held, or lost to an announced rebalance only. */
  get committable(): boolean {
    return !this.stale && this.options.membership.mayCommitFor(this.generation);
  }

  /** A heartbeat that reports a rebalance ends the lease of every batch of the generation. */
  async heartbeat(): Promise<void> {
    try {
      await this.options.heartbeat();
    } catch (error) {
      if (revokesPartitions(error)) this.options.membership.revoke(error);
      throw error;
    }
  }

  /** Heartbeats in the background until the returned stop is called or the lease is lost. */
  keepAlive(): () => void {
    const timer = setInterval(() => {
      if (this.held) void this.heartbeat().catch(() => undefined);
    }, this.options.heartbeatIntervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * The work's result, or REVOKED once the lease is lost and the work can no longer be committed
   * (or has had its `drainMs` to finish): the work may still be running, and whatever it does
   * later is never committed (its rejection is ignored).
   */
  async whileHeld<T>(work: Promise<T>): Promise<T | typeof REVOKED> {
    return this.until(work, () => !this.held && (!this.committable || this.draining() > this.options.drainMs));
  }

  /** Waits ms, or less if the lease is lost meanwhile. */
  async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await this.until(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), () => !this.held);
    clearTimeout(timer);
  }

  /** How long since this lease was first seen lost; 0 while it is held. */
  private draining(): number {
    if (this.held) return 0;
    this.lostAt ??= Date.now();
    return Date.now() - this.lostAt;
  }

  private async until<T>(work: Promise<T>, over: () => boolean): Promise<T | typeof REVOKED> {
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<typeof REVOKED>((resolve) => {
      const check = () => (over() ? resolve(REVOKED) : (timer = setTimeout(check, this.options.pollMs ?? 100)));
      check();
    });
    try {
      return await Promise.race([work, lost]);
    } finally {
      clearTimeout(timer);
    }
  }
}
