import { performance } from 'node:perf_hooks';
import type { Wait } from '../../infrastructure/read-model-signals';
import { deadlineIn, untilSignalled } from './until-signalled';

/** A signal whose timer fires `earlyMs` before the time it was given, as libuv's may. */
const firingEarly =
  (earlyMs: number) =>
  (timeoutMs: number): Wait => {
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs - earlyMs));
    });
    return { done, cancel: () => clearTimeout(timer) };
  };

describe('untilSignalled', () => {
  it('answers "not reached" only once the whole bound has passed, however early the timer fires', async () => {
    const began = performance.now();
    const deadline = deadlineIn(60);
    const { reached } = await untilSignalled(
      firingEarly(40),
      async () => 1,
      (v) => v >= 2,
      deadline,
    );
    expect(reached).toBe(false);
    expect(performance.now()).toBeGreaterThanOrEqual(deadline);
    expect(performance.now() - began).toBeGreaterThanOrEqual(60);
  });

  it('answers at once when the first read is good enough', async () => {
    const began = performance.now();
    await expect(
      untilSignalled(
        firingEarly(0),
        async () => 3,
        (v) => v >= 2,
        deadlineIn(5000),
      ),
    ).resolves.toEqual({
      value: 3,
      reached: true,
    });
    expect(performance.now() - began).toBeLessThan(1000);
  });

  it('reads again after the signal, and reports the value it reached', async () => {
    let version = 1;
    const signal = (): Wait => ({
      done: new Promise<boolean>((resolve) => setTimeout(() => resolve(((version = 2), true)), 10)),
      cancel: () => undefined,
    });
    await expect(
      untilSignalled(
        signal,
        async () => version,
        (v) => v >= 2,
        deadlineIn(5000),
      ),
    ).resolves.toEqual({
      value: 2,
      reached: true,
    });
  });
});
