import { Inject, Injectable } from '@nestjs/common';
import { delay } from '@converge/backoff';
import { cartQueryConfig, type CartQueryConfig } from '../cart-query.config';
import { CartOperationsClient, SNAPSHOTS_PER_REQUEST } from './cart-operations.client';
import { RepairMetrics, type RepairTrigger } from './repair.metrics';

/**
 * Asks Cart for snapshots, a bounded batch at a time and no faster than REPAIR_RATE_PER_SECOND,
 * so that even a rebuild of every cart leaves the live stream its lag.
 */
@Injectable()
export class SnapshotRequests {
  constructor(
    private readonly cart: CartOperationsClient,
    private readonly metrics: RepairMetrics,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  /** Resolves with the carts Cart emitted a snapshot of, and those it does not hold. */
  async request(cartIds: readonly string[], trigger: RepairTrigger): Promise<{ emitted: string[]; missing: string[] }> {
    const emitted: string[] = [];
    const missing: string[] = [];
    for (let start = 0; start < cartIds.length; start += SNAPSHOTS_PER_REQUEST) {
      const batch = cartIds.slice(start, start + SNAPSHOTS_PER_REQUEST);
      if (start > 0) await delay((batch.length / this.config.repair.ratePerSecond) * 1000);
      const answer = await this.cart.emitSnapshots(batch);
      this.metrics.requested.inc({ trigger }, answer.emitted.length);
      emitted.push(...answer.emitted);
      missing.push(...answer.missing);
    }
    return { emitted, missing };
  }
}
