/**
 * `npm run bench:compare -- <git revision>`: write throughput at "max" of this working tree's
 * build against another revision's, alternately, in one run, so a change can show it costs
 * nothing. The other revision is built in a git worktree of its own, removed afterwards.
 *   BENCH_STEP_SECONDS (15)  BENCH_ROUNDS (3)
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
import { runStep } from './lib/step';

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

async function main(): Promise<void> {
  const revision = process.argv[2] ?? 'HEAD~1';
  const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 15);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  say(`… building ${revision}`);
  const other = buildRevision(revision);
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  const sink = process.env.BENCH_TRACING === '1' ? await OtlpReceiver.start({ keep: false }) : undefined;
  const traced: Record<string, string> = sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {};
  const rates: Record<'this tree' | 'other', number[]> = { 'this tree': [], other: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternating which goes first spreads the machine's drift over both.
      const order = round % 2 === 0 ? (['other', 'this tree'] as const) : (['this tree', 'other'] as const);
      for (const build of order) {
        const env: Record<string, string> = build === 'other' ? { CONVERGE_DIST: other.dist } : traced;
        const step = await runStep('converge', 'max', seconds, env);
        rates[build].push(step.load.achievedRate);
        say(`  round ${round + 1}, ${build}: ${step.load.achievedRate} writes/s`);
      }
    }
  } finally {
    await infra.stop();
    await sink?.stop();
    other.remove();
  }
  const [mine, theirs] = [percentile(rates['this tree'], 50) ?? 0, percentile(rates.other, 50) ?? 0];
  if (sink) say(`this tree exported its spans in ${sink.exports} requests`);
  say(`\nmedian writes/s at max: this tree ${mine}, ${revision} ${theirs}; ratio ${(mine / theirs).toFixed(3)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
