import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { type AppliedEvent, type BatchOutcome, ConsumerStats } from '../events/apply-cart-events/consumer-stats';

/** The `outcome` label of each BatchOutcome count. */
export const EVENT_OUTCOMES: Readonly<Record<keyof BatchOutcome, string>> = {
  applied: 'applied',
  duplicates: 'duplicate',
  stale: 'stale',
  parked: 'parked',
  deadLettered: 'dead_lettered',
};

/** Fine below 50 ms, where a healthy pipeline sits and where regressions show; coarse up to 10 s. */
export const PROPAGATION_LAG_BUCKETS = [
  0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.012, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15,
  0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Seconds from the write side's commit (occurredAt) to now, the read model's commit; undefined
 * for a timestamp that does not parse. Both clocks are the same machine's, but never negative.
 */
export function propagationLagSeconds(occurredAt: string, nowMs: number): number | undefined {
  const committedAt = Date.parse(occurredAt);
  if (Number.isNaN(committedAt)) return undefined;
  return Math.max(0, nowMs - committedAt) / 1000;
}

/** What the read-model consumer did with each event, and how long each applied event took to get here. */
@Injectable()
export class ConsumerMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly events: Counter<'outcome'>;
  private readonly lag: Histogram;
  private readonly deadLetters: Counter<'reason'>;
  private readonly repairsApplied: Counter;
  private stopListening?: () => void;

  constructor(
    registry: Registry,
    private readonly stats: ConsumerStats,
  ) {
    this.events = new Counter({
      name: 'converge_events_total',
      help: 'Cart events the read model consumed, by what became of them',
      labelNames: ['outcome'],
      registers: [registry],
    });
    // Every outcome is exported from the start, so a rate over it is 0 rather than absent.
    for (const outcome of Object.values(EVENT_OUTCOMES)) this.events.inc({ outcome }, 0);
    this.lag = new Histogram({
      name: 'converge_propagation_lag_seconds',
      help: 'Time from the Cart commit of an event to the read-model commit that applied it',
      buckets: PROPAGATION_LAG_BUCKETS,
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'converge_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by reason (not-json, unknown-type, schema-violation, …)',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.repairsApplied = new Counter({
      name: 'converge_repairs_applied_total',
      help: 'Snapshots the read model applied: views set to the write model by a repair',
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.stopListening = this.stats.onBatch((outcome, applied, reasons) => this.record(outcome, applied, reasons));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  private record(outcome: BatchOutcome, applied: readonly AppliedEvent[], deadLetterReasons: readonly string[]): void {
    for (const reason of deadLetterReasons) this.deadLetters.inc({ reason });
    this.repairsApplied.inc(applied.filter((event) => event.type === 'CartSnapshot').length);
    for (const key of Object.keys(EVENT_OUTCOMES) as Array<keyof BatchOutcome>) {
      if (outcome[key] > 0) this.events.inc({ outcome: EVENT_OUTCOMES[key] }, outcome[key]);
    }
    const now = Date.now();
    for (const event of applied) {
      const seconds = propagationLagSeconds(event.occurredAt, now);
      if (seconds !== undefined) this.lag.observe(seconds);
    }
  }
}
