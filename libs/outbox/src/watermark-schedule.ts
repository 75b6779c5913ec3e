import type { WatermarkOptions } from './outbox-relay.options';

const DEFAULT_BUSY_EVERY_MS = 100;
const DEFAULT_IDLE_EVERY_MS = 1000;

/**
 * When the relay sends a watermark: after a scan that published everything it saw, but not more
 * often than busyEveryMs, since each one costs a record on every partition; and the relay wakes
 * at least every idleEveryMs so that, with nothing written, the watermarks keep moving.
 */
export class WatermarkSchedule {
  readonly topics: string[];
  private readonly busyEveryMs: number;
  private readonly idleEveryMs: number;
  private lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(
    options: WatermarkOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.topics = options.topics;
    this.busyEveryMs = options.busyEveryMs ?? DEFAULT_BUSY_EVERY_MS;
    this.idleEveryMs = options.idleEveryMs ?? DEFAULT_IDLE_EVERY_MS;
    if (this.busyEveryMs < 0 || this.idleEveryMs < 1) throw new Error('watermark intervals must be positive');
  }

  get due(): boolean {
    return this.now() - this.lastSentAt >= this.busyEveryMs;
  }

  sent(): void {
    this.lastSentAt = this.now();
  }

  /** The relay's idle wait, shortened so the next watermark is not late. */
  idleWait(pollIntervalMs: number): number {
    return Math.min(pollIntervalMs, this.idleEveryMs);
  }
}
