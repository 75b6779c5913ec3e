/**
 * Coalesces wake-ups: any number of rings while the relay is busy leave one ring behind, so a
 * burst of commits during a drain costs at most one extra pass, and a ring is never lost.
 */
export class WakeUpLatch {
  private rung = false;
  private waiter?: () => void;

  ring(): void {
    this.rung = true;
    this.waiter?.();
  }

  /**
   * Forgets rings so far. Safe just before reading the outbox: a ring that came before it
   * announced a commit that read will see.
   */
  clear(): void {
    this.rung = false;
  }

  /** Resolves at once if rung since the last clear or wait, else at the next ring, the timeout or abort. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.rung && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.waiter = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done);
        this.waiter = done;
      });
    }
    this.rung = false;
  }
}

/** A delay that ends early when the signal aborts (stop, or leadership lost); never rejects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
