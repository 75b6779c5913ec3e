import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckSummary } from '../history/checker';

/** Set by test/faults/faults-reporter.js, which prints the rows as one table at the end of the run. */
export const RESULTS_VARIABLE = 'CONVERGE_FAULT_RESULTS_DIR';

export interface ScenarioRow {
  scenario: string;
  operations: number;
  acknowledgedWrites: number;
  unansweredWrites: number;
  lost: number;
  doubled: number;
  ryw: number;
  monotonic: number;
  diverged: number;
  /** False X-Consistent-As-Of claims or broken staleness bounds; undefined where not judged. */
  watermark?: number;
  /** From the fault's end until the read model reached the write model as it stood then. */
  convergeSeconds?: number;
  /** From the end of the load until the read model equalled the write model. */
  quiesceSeconds?: number;
}

export function rowOf(scenario: string, summary: CheckSummary, timings: Partial<ScenarioRow>): ScenarioRow {
  const { operations, acknowledgedWrites, unansweredWrites, lost, doubled, ryw, monotonic, diverged } = summary;
  return {
    scenario,
    operations,
    acknowledgedWrites,
    unansweredWrites,
    lost,
    doubled,
    ryw,
    monotonic,
    diverged,
    ...timings,
  };
}

/** Leaves the row for the reporter; without it (another config), prints the row. */
export function recordRow(row: ScenarioRow): void {
  const dir = process.env[RESULTS_VARIABLE];
  if (!dir) {
    process.stdout.write(`\nfault scenario: ${JSON.stringify(row)}\n`);
    return;
  }
  const file = row.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  writeFileSync(join(dir, `${file}.json`), JSON.stringify(row));
}
