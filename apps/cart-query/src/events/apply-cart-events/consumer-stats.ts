import { Injectable } from '@nestjs/common';

export interface BatchOutcome {
  applied: number;
  duplicates: number;
  stale: number;
  parked: number;
  deadLettered: number;
}

/** Running totals of what the consumer did with each event: for logs, tests and metrics. */
@Injectable()
export class ConsumerStats {
  readonly totals: BatchOutcome = { applied: 0, duplicates: 0, stale: 0, parked: 0, deadLettered: 0 };

  /**
   * Called right after the read-model transaction committed, with the events it applied: their
   * occurredAt (the write side's commit instant) against now is each event's propagation lag.
   */
  add(outcome: BatchOutcome, _applied: ReadonlyArray<{ occurredAt: string }> = []): void {
    for (const key of Object.keys(this.totals) as Array<keyof BatchOutcome>) this.totals[key] += outcome[key];
  }
}
