import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RepeatingTask } from '@converge/platform';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { Reconciler } from './reconciler';

/** Runs a pass every ANTI_ENTROPY_INTERVAL_MS (0: never), the next one timed from the end of the last. */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: RepeatingTask;

  constructor(
    reconciler: Reconciler,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {
    const every = config.repair.antiEntropyIntervalMs;
    this.task = new RepeatingTask('an anti-entropy pass', every, () => reconciler.pass(), new Logger('Reconciler'));
  }

  onApplicationBootstrap(): void {
    if (this.config.repair.antiEntropyIntervalMs > 0) this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
