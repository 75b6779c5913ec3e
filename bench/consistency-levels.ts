/**
 * `npm run bench:consistency`: the consistency levels' latency at 200 writes/s, alone (`npm run
 * bench` runs the same step among the others); then what the watermarks cost the propagation of
 * events at that rate: converge as configured against converge with one watermark a minute, one
 * step each, A B B A. BENCH_STEP_SECONDS (15) sets each step's length.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { provideInfrastructure } from '../test/setup/infrastructure';
import { LEVELS_WRITE_RATE, levelsTable, runConsistencyLevels } from './lib/consistency-levels';
import { round } from './lib/stats';
import { runStep, type StepResult } from './lib/step';

/** Nearly no watermarks: one a minute, busy or idle (the config's longest). */
const RARE_WATERMARKS = { OUTBOX_WATERMARK_BUSY_MS: '60000', OUTBOX_WATERMARK_IDLE_MS: '60000' };

async function watermarkCost(seconds: number): Promise<{ table: string; steps: object[] }> {
  const runs: Array<{ name: string; step: StepResult }> = [];
  // A B B A: a drift of the machine over the run weighs on both alike.
  for (const [name, env] of [
    ['watermarks as configured', {}],
    ['one watermark a minute', RARE_WATERMARKS],
    ['one watermark a minute', RARE_WATERMARKS],
    ['watermarks as configured', {}],
  ] as const) {
    runs.push({ name, step: await runStep('converge', LEVELS_WRITE_RATE, seconds, env) });
  }
  const fmt = (value: number | undefined) => (value === undefined ? '–' : String(round(value)));
  const table = [
    `Propagation at ${LEVELS_WRITE_RATE} writes/s, two steps each, in the order A B B A:`,
    '',
    '| watermarks | achieved/s | propagation p50 / p99 ms | relay p50 ms | write p50 ms |',
    '| --- | --- | --- | --- | --- |',
    ...runs.map(
      ({ name, step }) =>
        `| ${name} | ${step.load.achievedRate} | ${fmt(step.propagationMs.p50)} / ${fmt(step.propagationMs.p99)} | ` +
        `${fmt(step.relayMs.p50)} | ${fmt(step.load.latencyP50Ms)} |`,
    ),
  ].join('\n');
  const steps = runs.map(({ name, step }) => ({ watermarks: name, ...step }));
  return { table, steps };
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 15);
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  try {
    const result = await runConsistencyLevels(seconds);
    process.stdout.write(`\n${levelsTable(result)}\n`);
    const cost = await watermarkCost(seconds);
    process.stdout.write(`\n${cost.table}\n`);
    const directory = join(__dirname, 'results');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, 'consistency-levels.json');
    writeFileSync(
      file,
      JSON.stringify({ when: new Date().toISOString(), seconds, ...result, watermarkCost: cost.steps }, null, 2) + '\n',
    );
    process.stdout.write(`written: bench/results/consistency-levels.json\n`);
  } finally {
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
