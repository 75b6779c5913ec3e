import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CartClient } from '../../test/support/cart-client';
import { eventually } from '../../test/support/eventually';
import { TestStack } from '../../test/support/stack';
import { MODES, type Mode } from './modes';
import { ProcessUsage, postgresPids, type UsageReport } from './process-usage';
import { backlog, type Backlog, propagationLagsMs } from './propagation';
import { distribution, type Distribution } from './stats';
import { sampleVisibleLag } from './visible-lag';
import { runWriteLoad, type WriteLoadResult } from './write-load';

export interface StepResult {
  mode: Mode;
  rate: number | 'max';
  load: WriteLoadResult;
  propagationMs: Distribution;
  relayMs: Distribution;
  consumeMs: Distribution;
  visibleMs: Distribution;
  peakBacklog: Backlog;
  backlogAtEnd: Backlog;
  usage: Record<string, UsageReport>;
}

const CARTS = 200;

function kafkaPid(): number[] {
  try {
    return [Number(readFileSync(join(__dirname, '..', '..', 'infra', 'kafka', '.state', 'kafka-9092.pid'), 'utf8'))];
  } catch {
    return [];
  }
}

/** One offered rate in one mode, on a stack of its own, from idle to drained. */
export async function runStep(
  mode: Mode,
  rate: number | 'max',
  seconds: number,
  extraEnv: Record<string, string> = {},
): Promise<StepResult> {
  // BENCH_NODE_ARGS reach the services' node, e.g. --cpu-prof to profile a step.
  const nodeArgs: Record<string, string> = process.env.BENCH_NODE_ARGS
    ? { NODE_ARGS: process.env.BENCH_NODE_ARGS }
    : {};
  const stack = await TestStack.start({ env: { ...MODES[mode], LOG_LEVEL: 'warn', ...nodeArgs, ...extraEnv } });
  try {
    const write = new CartClient(stack.cart[0].url);
    const read = new CartClient(stack.query[0].url);
    const carts = await Promise.all(Array.from({ length: CARTS }, () => write.createCart()));
    const cartIds = carts.map((cart) => cart.body.id);
    await drained(stack);

    const usage = new ProcessUsage({
      cart: () => [stack.cart[0].pid ?? 0],
      'cart-query': () => [stack.query[0].pid ?? 0],
      postgres: postgresPids,
      kafka: kafkaPid,
    });
    const peak: Backlog = { outbox: 0, consumer: 0 };
    const watching = setInterval(() => {
      void backlog(stack.cartDb.url, stack.queryDb.url).then((now) => {
        peak.outbox = Math.max(peak.outbox, now.outbox);
        peak.consumer = Math.max(peak.consumer, now.consumer);
      });
    }, 250);
    const until = Date.now() + seconds * 1000;
    const [load, visible] = await Promise.all([
      runWriteLoad(stack.cart[0].url, cartIds, seconds, rate === 'max' ? undefined : rate),
      sampleVisibleLag(write, read, until),
    ]);
    const backlogAtEnd = await backlog(stack.cartDb.url, stack.queryDb.url);
    clearInterval(watching);
    await drained(stack);
    const processes = usage.stop();
    const lags = await propagationLagsMs(stack.cartDb.url, stack.queryDb.url);
    return {
      mode,
      rate,
      load,
      propagationMs: distribution(lags.total),
      relayMs: distribution(lags.relay),
      consumeMs: distribution(lags.consume),
      visibleMs: distribution(visible),
      peakBacklog: peak,
      backlogAtEnd,
      usage: processes,
    };
  } finally {
    await stack.stop();
  }
}

export async function drained(stack: TestStack): Promise<void> {
  await eventually(
    async () => {
      const now = await backlog(stack.cartDb.url, stack.queryDb.url);
      if (now.outbox > 0 || now.consumer > 0) throw new Error(`backlog ${JSON.stringify(now)}`);
    },
    300_000,
    200,
  );
}
