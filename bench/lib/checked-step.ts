import { FaultRun } from '../../test/faults/support/fault-run';
import type { CheckSummary } from '../../test/faults/history/checker';
import { BenchStack } from './bench-stack';
import type { Mode } from './modes';

export interface CheckedStepResult {
  mode: Mode;
  clients: number;
  seconds: number;
  /** Recorded operations (writes and token reads) per second of load. */
  operationsPerSecond: number;
  summary: CheckSummary;
  /** Reads answered neither 200 nor 503, by status (or error): e.g. a 404 for a cart not propagated yet. */
  otherReads: Record<string, number>;
  /** Why the run failed: the checker's first violations, or no quiescence; absent when it passed. */
  failure?: string;
}

const CLIENTS = 32;
const CARTS = 200;

/**
 * The fault suite's history checker under bench load: clients writing and reading with their
 * session tokens back to back, no fault, then every guarantee checked at quiescence. Speed that
 * broke a guarantee would not count, so the bench measures both on the same code.
 */
export async function runCheckedStep(mode: Mode, seconds: number): Promise<CheckedStepResult> {
  const bench = await BenchStack.start(mode);
  try {
    const run = await FaultRun.begin(`bench ${mode}`, bench.stack, { clients: CLIENTS, carts: CARTS, pauseMs: 0 });
    const started = run.now();
    await run.until('the load ran its time', () => run.loadedFor(seconds * 1000), seconds * 1000 + 10_000);
    await run.stopLoad();
    const loaded = run.recorder.operations.filter((op) => op.session !== 'setup').length;
    const operationsPerSecond = Math.round(loaded / ((run.now() - started) / 1000));
    const failure = await run.finish().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (!run.result) throw new Error(failure);
    const otherReads: Record<string, number> = {};
    for (const read of run.recorder.reads.filter((op) => op.status !== 200 && op.status !== 503)) {
      const answer = String(read.status ?? read.error);
      otherReads[answer] = (otherReads[answer] ?? 0) + 1;
    }
    const { summary } = run.result;
    return { mode, clients: CLIENTS, seconds, operationsPerSecond, summary, otherReads, failure };
  } finally {
    await bench.stop();
  }
}
