import type { Difference } from './digest-tree';

/**
 * Which differences are divergences, from two looks a moment apart. Propagation explains a
 * difference only while the local side is behind and moving: a row that differs at the same
 * version on both sides, that is ahead of the reference, that one side lacks both times, or that
 * stayed behind without moving, is not in flight. Under steady writes a cart's reference version
 * keeps moving, so "the same reference version twice" alone would never catch a busy cart.
 */
export function divergences(first: readonly Difference[], second: readonly Difference[]): Difference[] {
  const before = new Map(first.map((difference) => [difference.id, difference]));
  return second.filter((now) => {
    const then = before.get(now.id);
    if (then === undefined) return false;
    if (now.localVersion === undefined) return then.localVersion === undefined;
    if (now.referenceVersion === undefined) return then.referenceVersion === undefined;
    return now.localVersion >= now.referenceVersion || now.localVersion === then.localVersion;
  });
}
