/**
 * `npm run bench:compare -- <git revision>`: write throughput at "max" of this working tree's
 * build against another revision's, alternately, in one run, so a change can show it costs
 * nothing. The other revision is built in a git worktree of its own, removed afterwards.
 * Propagation percentiles and peak RSS come along, as medians over the rounds.
 *   BENCH_STEP_SECONDS (15)  BENCH_ROUNDS (3)  BENCH_RATE (max, or writes/s)
 *   BENCH_THIS_NODE_ARGS: node options for this tree's services only (compare `HEAD` with itself to weigh a flag)
 * `BENCH_TRACING=1 npm run bench:compare -- HEAD`: the same build with and without tracing; this
 * tree's services export every span (http/protobuf) to a receiver in this process, which drops them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provideInfrastructure } from '../test/setup/infrastructure';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { percentile } from './lib/stats';
import { runStep, type StepResult } from './lib/step';

const root = join(__dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

function buildRevision(revision: string): { dist: string; remove(): void } {
  const tree = mkdtempSync(join(tmpdir(), 'converge-compare-'));
  execFileSync('git', ['worktree', 'add', '--detach', tree, revision], { cwd: root, stdio: 'ignore' });
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  for (const app of ['cart', 'cart-query']) execFileSync('npx', ['nest', 'build', app], { cwd: tree, stdio: 'ignore' });
  return {
    dist: join(tree, 'dist'),
    remove: () => {
      execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: root, stdio: 'ignore' });
      rmSync(tree, { recursive: true, force: true });
    },
  };
}

interface Figures {
  writes: number;
  p50: number;
  p99: number;
  /** Peak RSS of each Node service: the memory target is per service. */
  cartRssMb: number;
  queryRssMb: number;
  /** CPU per acknowledged write, all processes of the step together (Cart, Cart-Query, PostgreSQL, Kafka): µs. */
  cpuPerWriteUs: number;
  /** The same, Cart's and PostgreSQL's alone: where a change to the write path shows. */
  cartCpuPerWriteUs: number;
  postgresCpuPerWriteUs: number;
}

const cpuPerWriteUs = (step: StepResult, names: string[]): number =>
  Math.round(
    (names.reduce((sum, name) => sum + (step.usage[name]?.cpuPercent ?? 0), 0) * 1e4) / step.load.achievedRate,
  );

const figuresOf = (step: StepResult): Figures => ({
  writes: step.load.achievedRate,
  p50: step.propagationMs.p50 ?? NaN,
  p99: step.propagationMs.p99 ?? NaN,
  cartRssMb: step.usage.cart.peakRssMb,
  queryRssMb: step.usage['cart-query'].peakRssMb,
  cpuPerWriteUs: cpuPerWriteUs(step, ['cart', 'cart-query', 'postgres', 'kafka']),
  cartCpuPerWriteUs: cpuPerWriteUs(step, ['cart']),
  postgresCpuPerWriteUs: cpuPerWriteUs(step, ['postgres']),
});

const median = (values: number[]): number => percentile(values, 50) ?? NaN;

const medians = (all: Figures[]): Figures => ({
  writes: median(all.map((f) => f.writes)),
  p50: median(all.map((f) => f.p50)),
  p99: median(all.map((f) => f.p99)),
  cartRssMb: median(all.map((f) => f.cartRssMb)),
  queryRssMb: median(all.map((f) => f.queryRssMb)),
  cpuPerWriteUs: median(all.map((f) => f.cpuPerWriteUs)),
  cartCpuPerWriteUs: median(all.map((f) => f.cartCpuPerWriteUs)),
  postgresCpuPerWriteUs: median(all.map((f) => f.postgresCpuPerWriteUs)),
});

const describe = (f: Figures) =>
  `${f.writes} writes/s, propagation p50 ${f.p50.toFixed(1)} / p99 ${f.p99.toFixed(1)} ms, peak RSS Cart ${f.cartRssMb} / Cart-Query ${f.queryRssMb} MB, ` +
  `${f.cpuPerWriteUs} µs CPU per write (Cart ${f.cartCpuPerWriteUs}, PostgreSQL ${f.postgresCpuPerWriteUs})`;

async function main(): Promise<void> {
  const revision = process.argv[2] ?? 'HEAD~1';
  const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 15);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  say(`… building ${revision}`);
  const other = buildRevision(revision);
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  const rate = process.env.BENCH_RATE && process.env.BENCH_RATE !== 'max' ? Number(process.env.BENCH_RATE) : 'max';
  const sink = process.env.BENCH_TRACING === '1' ? await OtlpReceiver.start({ keep: false }) : undefined;
  const thisEnv: Record<string, string> = {
    ...(process.env.BENCH_THIS_NODE_ARGS ? { NODE_ARGS: process.env.BENCH_THIS_NODE_ARGS } : {}),
    ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}),
  };
  const figures = { 'this tree': [] as Figures[], other: [] as Figures[] };
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternating which goes first spreads the machine's drift over both.
      const order = round % 2 === 0 ? (['other', 'this tree'] as const) : (['this tree', 'other'] as const);
      for (const build of order) {
        const env: Record<string, string> = build === 'other' ? { CONVERGE_DIST: other.dist } : thisEnv;
        const step = await runStep('converge', rate, seconds, env);
        const measured = figuresOf(step);
        figures[build].push(measured);
        say(`  round ${round + 1}, ${build}: ${describe(measured)}`);
      }
    }
  } finally {
    await infra.stop();
    await sink?.stop();
    other.remove();
  }
  const [mine, theirs] = [medians(figures['this tree']), medians(figures.other)];
  if (sink) say(`this tree exported its spans in ${sink.exports} requests`);
  say(`\nmedians at ${rate}: this tree ${describe(mine)}; ${revision} ${describe(theirs)}`);
  say(
    `ratios this tree ÷ ${revision}: writes/s ${(mine.writes / theirs.writes).toFixed(3)}, propagation p50 ${(mine.p50 / theirs.p50).toFixed(2)}, p99 ${(mine.p99 / theirs.p99).toFixed(2)}, ` +
      `CPU per write ${(mine.cpuPerWriteUs / theirs.cpuPerWriteUs).toFixed(2)} ` +
      `(Cart ${(mine.cartCpuPerWriteUs / theirs.cartCpuPerWriteUs).toFixed(2)}, PostgreSQL ${(mine.postgresCpuPerWriteUs / theirs.postgresCpuPerWriteUs).toFixed(2)})`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
