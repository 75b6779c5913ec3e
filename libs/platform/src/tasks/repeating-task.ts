import type { Logger } from '@nestjs/common';

/**
 * Work run again and again in the background, each run `everyMs` after the last one ended (so a
 * slow run never overlaps the next), until stopped. A failed run is logged and the next comes.
 */
export class RepeatingTask {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly what: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.work()
        .catch((error: unknown) =>
          this.logger.warn(`${this.what} failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => this.schedule());
    }, this.everyMs);
  }
}
