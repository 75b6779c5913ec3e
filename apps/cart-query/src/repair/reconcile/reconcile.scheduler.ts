import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { Reconciler } from './reconciler';

/** Runs a pass every ANTI_ENTROPY_INTERVAL_MS (0: never), the next one timed from the end of the last. */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReconcileScheduler');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly reconciler: Reconciler,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    const interval = this.config.repair.antiEntropyIntervalMs;
    if (interval === 0 || this.stopped) return;
    this.timer = setTimeout(() => {
      this.reconciler
        .pass()
        .catch((error: unknown) =>
          this.logger.warn(`anti-entropy pass failed: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => this.schedule());
    }, interval);
  }
}
