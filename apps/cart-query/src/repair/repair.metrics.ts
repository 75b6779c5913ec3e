import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

export type RepairTrigger = 'anti-entropy' | 'read-repair';

/** What repairing the read model did: differences found, snapshots asked for, passes timed. */
@Injectable()
export class RepairMetrics {
  readonly divergent: Counter;
  readonly requested: Counter<'trigger'>;
  readonly reconcileSeconds: Histogram;

  constructor(registry: Registry) {
    this.divergent = new Counter({
      name: 'converge_divergent_carts_total',
      help: 'Carts anti-entropy found different from the write model twice at the same write version',
      registers: [registry],
    });
    this.requested = new Counter({
      name: 'converge_repairs_requested_total',
      help: 'Snapshots Cart-Query asked Cart for, or views it removed, by what found them',
      labelNames: ['trigger'],
      registers: [registry],
    });
    for (const trigger of ['anti-entropy', 'read-repair'] satisfies RepairTrigger[]) this.requested.inc({ trigger }, 0);
    this.reconcileSeconds = new Histogram({
      name: 'converge_reconcile_duration_seconds',
      help: 'One anti-entropy pass: compare, confirm, and request the repairs',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    });
  }
}
