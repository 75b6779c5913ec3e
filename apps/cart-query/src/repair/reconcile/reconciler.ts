import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type Difference,
  DIGEST_SOURCE,
  type DigestSource,
  DigestTreeComparison,
  divergences,
  LEAF_PREFIX_LENGTH,
} from '@converge/anti-entropy';
import { delay } from '@converge/backoff';
import type { ReadinessCheck } from '@converge/platform';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { CartViewRepository } from '../../infrastructure/cart-view.repository';
import { CartOperationsClient } from '../cart-operations.client';
import { RepairMetrics } from '../repair.metrics';
import { SnapshotRequests } from '../snapshot-requests';

export interface ReconcileResult {
  /** Carts the write model holds: what the pass covered. */
  carts: number;
  /** Carts that differed twice, in a way propagation does not explain. */
  divergent: number;
  /** Snapshots requested, plus views of carts the write model does not hold, removed. */
  repaired: number;
  /** JSON bytes of Cart's digest tree that the pass read. */
  bytes: number;
  durationMs: number;
  finishedAt: string;
}

/**
 * Anti-entropy: compares the read model's digest tree with Cart's, descending only where they
 * differ, and repairs what differs. A difference that propagation explains is not a divergence:
 * a cart counts only if it still differs a moment later, and not as a read model catching up.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('Reconciler');
  private queue: Promise<unknown> = Promise.resolve();
  last?: ReconcileResult;

  constructor(
    @Inject(DIGEST_SOURCE) private readonly local: DigestSource,
    private readonly cart: CartOperationsClient,
    private readonly snapshots: SnapshotRequests,
    private readonly views: CartViewRepository,
    private readonly metrics: RepairMetrics,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  /** Never unready: a failed pass is retried, and reads stay right meanwhile. Shows the last pass. */
  readonly readiness: ReadinessCheck = {
    name: 'reconciler',
    probe: async () => ({ intervalMs: this.config.repair.antiEntropyIntervalMs, lastPass: this.last ?? null }),
  };

  /** One whole pass; a call while another runs waits for it, then runs its own. */
  pass(): Promise<ReconcileResult> {
    const next = this.queue.then(() => this.run());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(): Promise<ReconcileResult> {
    const started = performance.now();
    const timer = this.metrics.reconcileSeconds.startTimer();
    const comparison = new DigestTreeComparison(this.local, this.cart.digests, LEAF_PREFIX_LENGTH);
    const first = await comparison.all();
    const divergent = await this.confirm(comparison, first.differences);
    const repaired = await this.repair(divergent);
    timer();
    this.metrics.divergent.inc(divergent.length);
    const result: ReconcileResult = {
      carts: first.rows,
      divergent: divergent.length,
      repaired,
      bytes: first.referenceBytes,
      durationMs: Math.round(performance.now() - started),
      finishedAt: new Date().toISOString(),
    };
    this.last = result;
    if (divergent.length > 0) this.logger.warn(`anti-entropy pass: ${JSON.stringify(result)}`);
    return result;
  }

  /** The second look, after the confirmation delay: only the leaves that differed. */
  private async confirm(comparison: DigestTreeComparison, first: Difference[]): Promise<Difference[]> {
    if (first.length === 0) return [];
    await delay(this.config.repair.confirmMs);
    return divergences(first, await comparison.leaves(new Set(first.map((difference) => difference.leaf))));
  }

  /** Snapshots for carts the write model holds; removal for views of carts it does not. */
  private async repair(divergent: Difference[]): Promise<number> {
    const known = divergent.filter((d) => d.referenceVersion !== undefined).map((d) => d.id);
    const unknown = divergent.filter((d) => d.referenceVersion === undefined).map((d) => d.id);
    // A rebuild finds every cart divergent: name the first few, count the rest.
    for (const difference of divergent.slice(0, LOGGED_DIVERGENCES)) {
      this.logger.warn(
        `divergent cart: cartId=${difference.id} readModelVersion=${difference.localVersion ?? 'none'} ` +
          `writeModelVersion=${difference.referenceVersion ?? 'none'}`,
      );
    }
    if (divergent.length > LOGGED_DIVERGENCES) {
      this.logger.warn(`… and ${divergent.length - LOGGED_DIVERGENCES} more divergent carts`);
    }
    const { emitted, missing } = known.length > 0 ? await this.snapshots.request(known, 'anti-entropy') : noSnapshots;
    const removed = await this.views.remove([...unknown, ...missing]);
    this.metrics.requested.inc({ trigger: 'anti-entropy' }, removed);
    return emitted.length + removed;
  }
}

const noSnapshots = { emitted: [], missing: [] };
const LOGGED_DIVERGENCES = 20;
