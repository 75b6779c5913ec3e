/**
 * Answers from the group coordinator that mean this member no longer owns what it was handed:
 * a rebalance began (the member must give up its partitions and rejoin), its generation is
 * over, or it was expelled from the group.
 */
const REVOKING_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

export function revokesPartitions(error: unknown): boolean {
  const { type } = (typeof error === 'object' && error !== null ? error : {}) as { type?: unknown };
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
}

export const REVOKED = Symbol('revoked');

export interface BatchLeaseOptions {
  membership: GroupMembership;
  heartbeat: () => Promise<void>;
  /** The partition was moved by a seek, or anything else that makes the batch stale. */
  isStale: () => boolean;
  heartbeatIntervalMs: number;
  /** How often a wait checks whether the lease was lost meanwhile. */
  pollMs?: number;
}

/**
 * A fetched batch's claim on its partition: held until the group moves the partition. While it
 * is held it heartbeats, so a slow handler does not get its member expelled; once it is lost,
 * the batch is given up and nothing of it is committed, because the partition's new owner
 * starts again from the last commit.
 */
export class BatchLease {
  private readonly generation: number;
  private staleSeen = false;

  constructor(private readonly options: BatchLeaseOptions) {
    this.generation = options.membership.current();
  }

  /** Why the lease was lost; undefined while it is held. */
  get lostBecause(): unknown {
    const revocation = this.options.membership.revokedSince(this.generation);
    if (revocation !== undefined) return revocation;
    if (this.staleSeen || this.options.isStale()) {
      this.staleSeen = true;
      return new Error('the partition was sought to another offset');
    }
    return undefined;
  }

  get held(): boolean {
    return this.lostBecause === undefined;
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
   * The work's result, or REVOKED as soon as the lease is lost: the work may still be running,
   * and whatever it does later is never committed (its rejection is ignored).
   */
  async whileHeld<T>(work: Promise<T>): Promise<T | typeof REVOKED> {
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const lost = new Promise<typeof REVOKED>((resolve) => {
      const check = () => (this.held ? (timer = setTimeout(check, this.options.pollMs ?? 100)) : resolve(REVOKED));
      check();
    });
    try {
      return await Promise.race([work, lost]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits ms, or less if the lease is lost meanwhile. */
  async sleep(ms: number): Promise<void> {
    await this.whileHeld(new Promise<void>((resolve) => setTimeout(resolve, ms)));
  }
}
