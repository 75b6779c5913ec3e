// `npm run demo -- <name> [--running]`: one of the lessons' experiments on the real system, with
// the figures it measured. It starts a stack of its own, or uses the one `npm start` runs.
import { provideInfrastructure } from '../test/setup/infrastructure';
import type { Demo } from './demo';
import { type DemoStack, ownStack, runningStack } from './demo-stack';
import { consumerPause } from './consumer-pause.demo';
import { inconsistencyWindow } from './inconsistency-window.demo';
import { monotonicReads } from './monotonic-reads.demo';
import { readYourWrites } from './read-your-writes.demo';
import { replicationDelay } from './replication-delay.demo';
import { staleRead } from './stale-read.demo';

const DEMOS: Array<Demo<unknown>> = [
  staleRead,
  readYourWrites,
  monotonicReads,
  replicationDelay,
  inconsistencyWindow,
  consumerPause,
] as Array<Demo<unknown>>;

const say = (line: string) => process.stdout.write(`  ${line}\n`);

async function main(): Promise<void> {
  const [name, ...flags] = process.argv.slice(2);
  const demo = DEMOS.find((d) => d.name === name || (name === 'window' && d.name === 'inconsistency-window'));
  if (!demo) {
    process.stderr.write(`usage: npm run demo -- <name> [--running]\n  ${DEMOS.map((d) => d.name).join('\n  ')}\n`);
    process.exit(2);
  }
  const running = flags.includes('--running');
  if (running && demo.readSides > 1) {
    process.stderr.write(`${demo.name} needs two read models of its own: run it without --running\n`);
    process.exit(2);
  }
  process.stdout.write(`\n${demo.name}\n${demo.explain.map((line) => `  ${line}`).join('\n')}\n\n`);
  const infra = running ? undefined : await provideInfrastructure();
  if (infra) {
    process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
    process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  }
  let stack: DemoStack | undefined;
  try {
    stack = running ? runningStack() : await ownStack(demo.readSides);
    await demo.run(stack.context(say));
    process.stdout.write('\n');
  } finally {
    await stack?.stop();
    await infra?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
