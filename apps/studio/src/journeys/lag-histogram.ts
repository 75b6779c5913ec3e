import { nearestRank } from './nearest-rank';

/** Upper bounds in ms: fine where propagation usually is, coarse where a fault puts it. */
export const LAG_BUCKETS_MS = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;

export interface LagHistogramView {
  bucketsMs: readonly number[];
  /** counts[i] for lag ≤ bucketsMs[i]; the last entry counts everything above the last bound. */
  counts: number[];
  total: number;
  p50?: number;
  p99?: number;
}

/** Commit-to-apply lags: counted in buckets for the chart, the recent ones kept for percentiles. */
export class LagHistogram {
  private readonly counts = new Array<number>(LAG_BUCKETS_MS.length + 1).fill(0);
  private readonly recent: number[] = [];

  constructor(private readonly keep = 1000) {}

  add(lagMs: number): void {
    const index = LAG_BUCKETS_MS.findIndex((bound) => lagMs <= bound);
    this.counts[index < 0 ? LAG_BUCKETS_MS.length : index] += 1;
    this.recent.push(lagMs);
    if (this.recent.length > this.keep) this.recent.shift();
  }

  /** Percentiles by nearest rank over the recent lags. */
  view(): LagHistogramView {
    const sorted = [...this.recent].sort((a, b) => a - b);
    return {
      bucketsMs: LAG_BUCKETS_MS,
      counts: [...this.counts],
      total: this.counts.reduce((sum, count) => sum + count, 0),
      p50: nearestRank(sorted, 0.5),
      p99: nearestRank(sorted, 0.99),
    };
  }
}
