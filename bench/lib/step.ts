import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CartClient } from '../../test/support/cart-client';
import { benchPostgres } from './bench-postgres';
import { BenchStack } from './bench-stack';
import { connectWorker } from './debezium';
import type { Mode } from './modes';
import { ProcessUsage, postgresPids, type UsageReport } from './process-usage';
import { type Backlog, propagationLagsMs } from './propagation';
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

export function kafkaPid(): number[] {
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
  const bench = await BenchStack.start(mode, { env: { ...nodeArgs, ...extraEnv } });
  const { stack } = bench;
  try {
    const write = new CartClient(stack.cart[0].url);
    const read = new CartClient(stack.query[0].url);
    const carts = await Promise.all(Array.from({ length: CARTS }, () => write.createCart()));
    const cartIds = carts.map((cart) => cart.body.id);
    await bench.drained();

    const usage = new ProcessUsage({
      cart: () => [stack.cart[0].pid ?? 0],
      'cart-query': () => [stack.query[0].pid ?? 0],
      // The bench's own server where it runs one, else every PostgreSQL process on the machine.
      postgres: () => (benchPostgres.pids().length > 0 ? benchPostgres.pids() : postgresPids()),
      kafka: kafkaPid,
      // Connect's JVM runs through every step; it counts only where it publishes.
      connect: () => (bench.debezium ? connectWorker.pids() : []),
      // The bench process itself: the write load, the token reads and the backlog probes.
      load: () => [process.pid],
    });
    const peak: Backlog = { outbox: 0, consumer: 0 };
    const watching = setInterval(() => {
      void bench.backlog().then((now) => {
        peak.outbox = Math.max(peak.outbox, now.outbox);
        peak.consumer = Math.max(peak.consumer, now.consumer);
      });
    }, 250);
    const until = Date.now() + seconds * 1000;
    const [load, visible] = await Promise.all([
      runWriteLoad(stack.cart[0].url, cartIds, seconds, rate === 'max' ? undefined : rate),
      sampleVisibleLag(write, read, until),
    ]);
    const backlogAtEnd = await bench.backlog();
    clearInterval(watching);
    await bench.drained();
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
    await bench.stop();
  }
}
