/**
 * `npm run bench`: converge against the naive baseline, alternately, in one run on this machine.
 * Each step gets a stack of its own; figures are medians and percentiles of that step.
 *   BENCH_STEP_SECONDS (15, also the length of the checked steps)  BENCH_RATES (100,200,500,1000,1500,2000,max)  BENCH_CATCHUP_EVENTS (100000)
 *   BENCH_NODE_ARGS: passed to the services' node (e.g. --cpu-prof --cpu-prof-dir=bench/results/profiles)
 */
import { join } from 'node:path';
import { provideInfrastructure } from '../test/setup/infrastructure';
import { runCatchUp, type CatchUpResult } from './lib/catch-up';
import { runCheckedStep, type CheckedStepResult } from './lib/checked-step';
import { LEVELS_WRITE_RATE, levelsTable, runConsistencyLevels } from './lib/consistency-levels';
import type { Mode } from './lib/modes';
import { catchUpTable, chart, checkedTable, ratioTable, stepTable, writeResults } from './lib/report';
import { runStep, type StepResult } from './lib/step';
import { targets } from './lib/targets';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 15);
  const rates = (process.env.BENCH_RATES ?? '100,200,500,1000,1500,2000,max')
    .split(',')
    .map((rate) => (rate === 'max' ? 'max' : Number(rate)));
  const catchUpEvents = Number(process.env.BENCH_CATCHUP_EVENTS ?? 100_000);

  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  try {
    const steps: StepResult[] = [];
    for (const [i, rate] of rates.entries()) {
      // Alternating which mode goes first spreads the machine's drift over both.
      const order: Mode[] = i % 2 === 0 ? ['baseline', 'converge'] : ['converge', 'baseline'];
      for (const mode of order) {
        say(`… ${mode} at ${rate} writes/s for ${seconds} s`);
        steps.push(await runStep(mode, rate, seconds));
      }
    }
    const catchUps: CatchUpResult[] = [];
    for (const mode of ['converge', 'baseline'] as const) {
      say(`… ${mode}: catch-up of ${catchUpEvents} events`);
      catchUps.push(await runCatchUp(mode, catchUpEvents));
    }
    const checked: CheckedStepResult[] = [];
    for (const mode of ['converge', 'baseline'] as const) {
      say(`… ${mode}: clients writing and reading their writes for ${seconds} s, history checked`);
      checked.push(await runCheckedStep(mode, seconds));
    }
    say(`… consistency levels read under ${LEVELS_WRITE_RATE} writes/s for ${seconds} s`);
    const levels = await runConsistencyLevels(seconds);
    const verdicts = targets(steps, catchUps, checked);
    say(
      `\n${stepTable(steps)}\n\n${ratioTable(steps)}\n\nCatch-up\n\n${catchUpTable(catchUps)}\n\n` +
        `Guarantees under load\n\n${checkedTable(checked)}\n\nConsistency levels\n\n${levelsTable(levels)}\n\n` +
        `Targets\n\n${verdicts}\n`,
    );
    for (const step of checked) if (step.failure) say(`${step.mode}: ${step.failure}`);
    writeResults(
      join(__dirname, 'results'),
      { when: new Date().toISOString(), stepSeconds: seconds, steps, catchUps, checked, levels },
      chart(steps),
    );
    say('written: bench/results/latest.json, bench/results/latest.svg');
    // A target missed is a figure to look into; a guarantee broken under load is a failure.
    if (checked.some((step) => step.failure)) process.exitCode = 1;
  } finally {
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
