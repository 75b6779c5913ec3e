import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdempotentConsumer } from '@converge/idempotent-consumer';

// Redeliveries come within minutes (a rebalance, a crash); the version check covers anything older.
const RETENTION_MS = 7 * 24 * 3600 * 1000;
const EVERY_MS = 10 * 60 * 1000;

/** Keeps the processed-event ids table from growing without end. */
@Injectable()
export class ProcessedEventsPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProcessedEventsPruner');
  private readonly consumer = new IdempotentConsumer();
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune(), EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<void> {
    try {
      const removed = await this.consumer.pruneAll(this.dataSource, RETENTION_MS);
      if (removed > 0) this.logger.log(`pruned ${removed} processed event ids`);
    } catch (error) {
      this.logger.warn(`pruning failed, will retry: ${error instanceof Error ? error.message : error}`);
    }
  }
}
