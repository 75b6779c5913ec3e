import { AppError, ErrorKind } from '@converge/platform';

export class OwnerWriteRateError extends AppError {
  readonly code = 'OWNER_WRITE_RATE_LIMIT';
  readonly kind: ErrorKind = 'too-many-requests';
  readonly retriable = true;

  constructor(
    readonly limit: number,
    override readonly retryAfterSeconds: number,
  ) {
    super(`An owner may write at most ${limit} times a second to this instance`);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Past this many owners tracked, full buckets (owners idle for a second or more) are dropped. */
const SWEEP_ABOVE = 10_000;

/**
 * Writes per second per owner, as token buckets in this process: each owner may burst up to one
 * second's worth, refilled continuously. 0 is no limit. Plain, so specs drive it with their own clock.
 */
export class OwnerWriteRate {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one write from the owner's allowance, or throws OwnerWriteRateError saying when to retry. */
  take(owner: string): void {
    if (this.perSecond === 0) return;
    const now = this.clock();
    const bucket = this.refilled(owner, now);
    if (bucket.tokens < 1) {
      const waitMs = ((1 - bucket.tokens) / this.perSecond) * 1000;
      throw new OwnerWriteRateError(this.perSecond, Math.max(1, Math.ceil(waitMs / 1000)));
    }
    bucket.tokens -= 1;
  }

  private refilled(owner: string, now: number): Bucket {
    let bucket = this.buckets.get(owner);
    if (bucket === undefined) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
      bucket = { tokens: this.perSecond, at: now };
      this.buckets.set(owner, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number): void {
    for (const [owner, bucket] of this.buckets) if (now - bucket.at >= 1000) this.buckets.delete(owner);
  }
}
