import { Logger } from '@nestjs/common';
import { RecentValue } from '../cache/recent-value';

/** Well inside Prometheus' default 10 s scrape timeout, so the rest of the scrape still answers. */
export const SCRAPE_READ_TIMEOUT_MS = 2000;

/** /metrics needs no token: a gauge read from the database or Kafka is read at most once a second. */
export const SCRAPE_FRESH_MS = 1000;

/**
 * A value read at scrape time from a dependency that may be down or slow (Kafka, the database).
 * A failed or late read yields undefined after a warning, so the gauge keeps its previous value
 * and the scrape still succeeds. A read still in flight is shared, not repeated, so scrapes
 * against a dead broker cannot pile requests up.
 */
export class ScrapeSource<T> {
  private pending?: Promise<T>;
  private readonly recent: RecentValue<T>;

  /** `freshForMs`: a value read that recently is answered again, so scrapes cannot load the source. */
  constructor(
    private readonly what: string,
    private readonly read: () => Promise<T>,
    private readonly logger: Logger,
    private readonly timeoutMs = SCRAPE_READ_TIMEOUT_MS,
    freshForMs = SCRAPE_FRESH_MS,
  ) {
    this.recent = new RecentValue<T>(freshForMs);
  }

  async value(): Promise<T | undefined> {
    this.pending ??= this.recent.get(this.read).finally(() => (this.pending = undefined));
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
