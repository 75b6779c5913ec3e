/**
 * `npm run bench`: converge against Debezium (as it ships, and tuned) and the naive poll
 * baseline, with the database's own floor, in one run on this machine. Each step gets a stack of
 * its own on the bench's own PostgreSQL (logical decoding on); figures are medians and
 * percentiles of that step.
 *   BENCH_STEP_SECONDS (15)  BENCH_RATES (100,200,500,1000,max)  BENCH_MODES (all four)
 *   BENCH_CATCHUP_EVENTS (100000, consumer)  BENCH_PIPELINE_EVENTS (50000, outbox to read model)
 *   BENCH_FLOOR_CLIENTS (1,8,16,32,64)
 *   BENCH_NODE_ARGS: passed to the services' node (e.g. --cpu-prof --cpu-prof-dir=bench/results/profiles)
 */
import { join } from 'node:path';
import { provideInfrastructure } from '../test/setup/infrastructure';
import { benchPostgres } from './lib/bench-postgres';
import { runConsumerCatchUp, runPipelineCatchUp, type CatchUpResult } from './lib/catch-up';
import { runCheckedStep, type CheckedStepResult } from './lib/checked-step';
import { LEVELS_WRITE_RATE, levelsTable, runConsistencyLevels } from './lib/consistency-levels';
import { runDatabaseFloor } from './lib/database-floor';
import { connectWorker } from './lib/debezium';
import { ALL_MODES, type Mode } from './lib/modes';
import { runBrokerThroughput } from './lib/broker-throughput';
import {
  catchUpTable,
  chart,
  checkedTable,
  costTable,
  floorTable,
  ratioTable,
  stepTable,
  writeResults,
} from './lib/report';
import { kafkaPid, runStep, type StepResult } from './lib/step';
import { targets } from './lib/targets';

const say = (line: string) => process.stdout.write(`${line}\n`);
const list = (value: string) => value.split(',').filter(Boolean);

/** Rotates the order at each rate, so the machine's drift spreads over every mode. */
const rotated = (modes: Mode[], by: number): Mode[] => modes.map((_, j) => modes[(j + by) % modes.length]);

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 15);
  const rates = list(process.env.BENCH_RATES ?? '100,200,500,1000,max').map((rate) =>
    rate === 'max' ? 'max' : Number(rate),
  );
  const modes = list(process.env.BENCH_MODES ?? ALL_MODES.join(',')) as Mode[];
  const catchUpEvents = Number(process.env.BENCH_CATCHUP_EVENTS ?? 100_000);
  const pipelineEvents = Number(process.env.BENCH_PIPELINE_EVENTS ?? 50_000);
  const floorClients = list(process.env.BENCH_FLOOR_CLIENTS ?? '1,8,16,32,64').map(Number);

  const infra = await provideInfrastructure();
  benchPostgres.up();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = benchPostgres.url;
  const debezium = modes.some((mode) => mode.startsWith('debezium'));
  if (debezium) connectWorker.start(infra.kafkaBrokers);
  try {
    say(`… the database floor: pgbench with Cart's add-item statements, ${floorClients.join('/')} clients`);
    const floor = await runDatabaseFloor(floorClients, seconds, () => benchPostgres.pids());
    say('… one partition: 100,000 envelopes through converge’s publish path, 500 a batch');
    const partition = await runBrokerThroughput(100_000, 500, kafkaPid);
    const steps: StepResult[] = [];
    for (const [i, rate] of rates.entries()) {
      for (const mode of rotated(modes, i)) {
        say(`… ${mode} at ${rate} writes/s for ${seconds} s`);
        steps.push(await runStep(mode, rate, seconds));
      }
    }
    const catchUps: CatchUpResult[] = [];
    for (const mode of modes.filter((m) => m === 'converge' || m === 'baseline')) {
      say(`… ${mode}: consumer catch-up of ${catchUpEvents} events`);
      catchUps.push(await runConsumerCatchUp(mode, catchUpEvents));
    }
    for (const mode of modes) {
      say(`… ${mode}: pipeline catch-up of ${pipelineEvents} outbox rows`);
      catchUps.push(await runPipelineCatchUp(mode, pipelineEvents));
    }
    const checked: CheckedStepResult[] = [];
    const unchecked: string[] = [];
    for (const mode of modes.filter((m) => m !== 'debezium-default')) {
      say(`… ${mode}: clients writing and reading their writes for ${seconds} s, history checked`);
      // A step that could not even start must not throw away the figures measured so far.
      await runCheckedStep(mode, seconds).then(
        (result) => checked.push(result),
        (error: unknown) => unchecked.push(`${mode}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    say(`… consistency levels read under ${LEVELS_WRITE_RATE} writes/s for ${seconds} s`);
    const levels = await runConsistencyLevels(seconds);
    const verdicts = targets(steps, catchUps, checked, floor, unchecked.length);
    say(
      `\nThe database floor\n\n${floorTable(floor)}\n\n${stepTable(steps)}\n\n${ratioTable(steps)}\n\n` +
        `Per-component costs (the capacity model's inputs)\n\n${costTable(steps, catchUps, partition)}\n\n` +
        `Catch-up\n\n${catchUpTable(catchUps)}\n\nGuarantees under load\n\n${checkedTable(checked)}\n\n` +
        `Consistency levels\n\n${levelsTable(levels)}\n\nTargets\n\n${verdicts}\n`,
    );
    for (const step of checked) if (step.failure) say(`${step.mode}: ${step.failure}`);
    for (const failure of unchecked) say(`not checked, ${failure.slice(0, 500)}`);
    writeResults(
      join(__dirname, 'results'),
      {
        when: new Date().toISOString(),
        stepSeconds: seconds,
        floor,
        partition,
        steps,
        catchUps,
        checked,
        unchecked,
        levels,
      },
      chart(steps),
    );
    say('written: bench/results/latest.json, bench/results/latest.svg');
    // A target missed is a figure to look into; a guarantee broken under load is a failure.
    if (checked.some((step) => step.failure) || unchecked.length > 0) process.exitCode = 1;
  } finally {
    if (debezium) connectWorker.stop();
    benchPostgres.down();
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
