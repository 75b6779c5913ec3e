import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

export interface BatchOutcome {
  applied: number;
  duplicates: number;
  stale: number;
  parked: number;
  deadLettered: number;
}

/** What the metrics need of an applied event: its type, and its write-side instant. */
export interface AppliedEvent {
  type: string;
  occurredAt: string;
}

/** Hears each committed batch: the events it applied, and the reason of each message it dead-lettered. */
export type BatchListener = (
  outcome: BatchOutcome,
  applied: readonly AppliedEvent[],
  deadLetterReasons: readonly string[],
) => void;

/** Running totals of what the consumer did with each event: for logs, tests and metrics. */
@Injectable()
export class ConsumerStats implements OnApplicationShutdown {
  readonly totals: BatchOutcome = { applied: 0, duplicates: 0, stale: 0, parked: 0, deadLettered: 0 };
  private readonly logger = new Logger('ConsumerStats');
  private readonly listeners = new Set<BatchListener>();

  /**
   * Called right after the read-model transaction committed, with the events it applied: their
   * occurredAt (the write side's commit instant) against now is each event's propagation lag.
   */
  add(outcome: BatchOutcome, applied: readonly AppliedEvent[] = [], deadLetterReasons: readonly string[] = []): void {
    for (const key of Object.keys(this.totals) as Array<keyof BatchOutcome>) this.totals[key] += outcome[key];
    for (const listener of this.listeners) {
      // The batch is committed: a failing listener must not make the consumer retry it.
      try {
        listener(outcome, applied, deadLetterReasons);
      } catch (error) {
        this.logger.warn(`a batch listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * Nest calls it once the consumer has left its group: the instance's whole tally, which its
   * metrics no longer serve. A rolling restart adds these up to see nothing was consumed twice.
   */
  onApplicationShutdown(): void {
    const counts = Object.entries(this.totals).map(([outcome, count]) => `${outcome}=${count}`);
    this.logger.log(`events consumed: ${counts.join(' ')}`);
  }

  /** Registers a listener (metrics); returns its removal. */
  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
