import { performance } from 'node:perf_hooks';
import type { Wait } from '../../infrastructure/read-model-signals';

/** A point on the monotonic clock, sub-millisecond: the bound on a read's wait. */
export const deadlineIn = (ms: number): number => performance.now() + ms;

/**
 * Reads until the value is good enough, waiting on the consumer's signal in between, until the
 * deadline. The wait is registered before each read, so a change between the two is not missed.
 * A timer may fire a little before its time (libuv counts from the loop's cached clock, in whole
 * milliseconds), so a timeout before the deadline waits again for the rest: a caller told "not
 * yet" has waited the whole bound.
 */
export async function untilSignalled<T>(
  signal: (timeoutMs: number) => Wait,
  read: () => Promise<T>,
  enough: (value: T) => boolean,
  deadline: number,
): Promise<{ value: T; reached: boolean }> {
  for (;;) {
    const change = signal(Math.ceil(deadline - performance.now()));
    try {
      const value = await read();
      if (enough(value)) return { value, reached: true };
      if (!(await change.done) && performance.now() >= deadline) {
        const last = await read();
        return { value: last, reached: enough(last) };
      }
    } finally {
      change.cancel();
    }
  }
}
