/**
 * A value worth at most one computation per `ttlMs`: the probes that anyone may call (readiness,
 * scrapes) reach the database or Kafka at most that often however hard they are polled. A
 * computation in flight is shared; a failed one is kept for the same time as a good one.
 */
export class RecentValue<T> {
  private last?: { at: number; value: Promise<T> };

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(compute: () => Promise<T>): Promise<T> {
    if (this.last && this.now() - this.last.at < this.ttlMs) return this.last.value;
    const value = compute();
    this.last = { at: this.now(), value };
    return value;
  }
}
