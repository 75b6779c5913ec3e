/** Nearest-rank percentile (q in 0…1) of samples already sorted ascending; undefined when there are none. */
export function nearestRank(sorted: readonly number[], q: number): number | undefined {
  return sorted.length === 0 ? undefined : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
