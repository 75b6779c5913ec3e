import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RepeatingTask } from '@converge/platform';
import { ParkedEvents } from '@converge/version-gate';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { SNAPSHOTS_PER_REQUEST } from '../cart-operations.client';
import { SnapshotRequests } from '../snapshot-requests';

/**
 * Read repair: an event parked behind a gap for longer than PARKED_REPAIR_AFTER_MS means its
 * predecessor is not coming (expired, truncated, never written). Its cart's snapshot settles
 * the gap; a cart is asked for again only after another such wait.
 */
@Injectable()
export class RepairParkedCartsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadRepair');
  private readonly askedAt = new Map<string, number>();
  private readonly parking = new ParkedEvents();
  private readonly task: RepeatingTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshots: SnapshotRequests,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {
    const every = Math.min(1000, config.repair.parkedRepairAfterMs);
    this.task = new RepeatingTask('read repair', every, () => this.repairOnce(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /** The carts repaired this time (for tests and logs). */
  async repairOnce(): Promise<string[]> {
    const expired = await this.parking.expire(this.dataSource, this.config.repair.parkedRetentionMs);
    if (expired > 0) this.logger.warn(`${expired} parked event(s) older than PARKED_RETENTION_MS forgotten`);
    const after = this.config.repair.parkedRepairAfterMs;
    const now = Date.now();
    for (const [cartId, at] of this.askedAt) if (now - at >= after) this.askedAt.delete(cartId);
    const rows = (await this.dataSource.query(
      `SELECT aggregate_id AS "cartId" FROM parked_events
        WHERE parked_at < now() - $1 * interval '1 millisecond'
        GROUP BY aggregate_id ORDER BY min(parked_at) LIMIT $2`,
      [after, SNAPSHOTS_PER_REQUEST],
    )) as Array<{ cartId: string }>;
    const due = rows.map((row) => row.cartId).filter((cartId) => !this.askedAt.has(cartId));
    if (due.length === 0) return [];
    for (const cartId of due) this.askedAt.set(cartId, now);
    const { emitted } = await this.snapshots.request(due, 'read-repair');
    for (const cartId of emitted.slice(0, 20))
      this.logger.warn(`parked too long: snapshot requested for cartId=${cartId}`);
    if (emitted.length > 20) this.logger.warn(`… and ${emitted.length - 20} more carts parked too long`);
    return emitted;
  }
}
