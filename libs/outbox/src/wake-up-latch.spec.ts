import { pause, WakeUpLatch } from './wake-up-latch';

/** Whether the promise settled by now, without waiting for it. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await Promise.resolve();
  await Promise.resolve();
  return settled;
}

describe('WakeUpLatch', () => {
  const never = new AbortController().signal;

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes a waiter at the ring, before its timeout', async () => {
    const latch = new WakeUpLatch();
    const waiting = latch.wait(60_000, never);
    expect(await hasSettled(waiting)).toBe(false);
    latch.ring();
    expect(await hasSettled(waiting)).toBe(true);
  });

  it('keeps a ring that came while nobody waited: a commit during a pass is never missed', async () => {
    const latch = new WakeUpLatch();
    latch.ring();
    expect(await hasSettled(latch.wait(60_000, never))).toBe(true);
  });

  it('coalesces many rings during a pass into one extra pass', async () => {
    const latch = new WakeUpLatch();
    for (let i = 0; i < 100; i++) latch.ring();
    expect(await hasSettled(latch.wait(60_000, never))).toBe(true);
    const second = latch.wait(60_000, never);
    expect(await hasSettled(second)).toBe(false);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(await hasSettled(second)).toBe(true);
  });

  it('forgets rings that came before a clear', async () => {
    const latch = new WakeUpLatch();
    latch.ring();
    latch.clear();
    const waiting = latch.wait(1000, never);
    expect(await hasSettled(waiting)).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await hasSettled(waiting)).toBe(true);
  });

  it('ends a wait when the signal aborts', async () => {
    const latch = new WakeUpLatch();
    const stop = new AbortController();
    const waiting = latch.wait(60_000, stop.signal);
    stop.abort();
    expect(await hasSettled(waiting)).toBe(true);
  });
});

describe('pause', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lasts its time unless aborted, and never rejects', async () => {
    const stop = new AbortController();
    const full = pause(1000, new AbortController().signal);
    const cut = pause(1000, stop.signal);
    stop.abort();
    expect(await hasSettled(cut)).toBe(true);
    expect(await hasSettled(full)).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await hasSettled(full)).toBe(true);
    await expect(pause(5, stop.signal)).resolves.toBeUndefined();
  });
});
