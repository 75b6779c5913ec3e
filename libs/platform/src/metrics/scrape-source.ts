import { Logger } from '@nestjs/common';

/** Well inside Prometheus' default 10 s scrape timeout, so the rest of the scrape still answers. */
export const SCRAPE_READ_TIMEOUT_MS = 2000;

/**
 * A value read at scrape time from a dependency that may be down or slow (Kafka, the database).
 * A failed or late read yields undefined after a warning, so the gauge keeps its previous value
 * and the scrape still succeeds. A read still in flight is shared, not repeated, so scrapes
 * against a dead broker cannot pile requests up.
 */
export class ScrapeSource<T> {
  private pending?: Promise<T>;

  constructor(
    private readonly what: string,
    private readonly read: () => Promise<T>,
    private readonly logger: Logger,
    private readonly timeoutMs = SCRAPE_READ_TIMEOUT_MS,
  ) {}

  async value(): Promise<T | undefined> {
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.pending, late]);
    } catch (error) {
      this.logger.warn(
        `reading ${this.what} for metrics failed, keeping its previous value: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
