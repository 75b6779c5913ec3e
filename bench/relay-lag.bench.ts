import { Logger } from '@nestjs/common';
import { OutboxRelay, OutboxRelayOptions } from '@converge/outbox';
import { eventually } from '../test/support/eventually';
import {
  Cleanup,
  outboxDatabase,
  outboxTopic,
  OutboxWriter,
  realBroker,
  relayOptions,
  testMessage,
  TopicReader,
} from '../test/outbox/outbox-relay.kit';

/**
 * A measurement, not a test: the relay's lag at light load, printed. `npm run bench:relay-lag`.
 * Lag = the consumer received the message − the writer's COMMIT returned, one transaction of one
 * row at a time (the next commits only after the previous one was consumed).
 */
const TRANSACTIONS = Number(process.env.MEASURE_RELAY_LAG_TRANSACTIONS ?? 200);
const WARM_UP = 10;

type Nudge = 'wake()' | 'NOTIFY' | 'none';

interface Scenario {
  name: string;
  options: Partial<OutboxRelayOptions>;
  nudge: Nudge;
  /**
   * Think time before each commit, uniform in [0, this). Without it a poll-mode writer that waits
   * for its message commits just after each tick and always waits a whole interval.
   */
  arrivalJitterMs: number;
}

const notify: Partial<OutboxRelayOptions> = { mode: 'notify', pollIntervalMs: 1000 };
const poll: Partial<OutboxRelayOptions> = { mode: 'poll', pollIntervalMs: 500 };
const scenarios: Scenario[] = [
  { name: 'notify mode, in-process wake()', options: notify, nudge: 'wake()', arrivalJitterMs: 0 },
  { name: 'notify mode, NOTIFY only', options: notify, nudge: 'NOTIFY', arrivalJitterMs: 0 },
  { name: 'poll 500 ms, lockstep arrivals', options: poll, nudge: 'none', arrivalJitterMs: 0 },
  { name: 'poll 500 ms, random arrivals', options: poll, nudge: 'none', arrivalJitterMs: 500 },
];

function thinkTime(maxMs: number): Promise<void> {
  return maxMs > 0 ? new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs)) : Promise.resolve();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function summary(name: string, lags: number[]): string {
  const sorted = [...lags].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, lag) => sum + lag, 0) / sorted.length;
  const f = (ms: number): string => `${ms.toFixed(1)} ms`;
  return (
    `${name.padEnd(32)} n=${sorted.length}  median ${f(percentile(sorted, 0.5))}  p90 ${f(percentile(sorted, 0.9))}  ` +
    `p99 ${f(percentile(sorted, 0.99))}  max ${f(sorted[sorted.length - 1])}  mean ${f(mean)}\n`
  );
}

describe('outbox relay lag at light load (measurement)', () => {
  const cleanup = new Cleanup();
  const results: string[] = [];
  afterEach(() => cleanup.run());
  afterAll(() => process.stdout.write(`\nrelay lag, commit → consumed:\n${results.join('')}\n`));

  it.each(scenarios)(
    '$name',
    async ({ name, options, nudge, arrivalJitterMs }) => {
      const database = await outboxDatabase(cleanup);
      const broker = realBroker(cleanup, 'outbox-lag');
      const topic = await outboxTopic(broker);
      const reader = await TopicReader.start(cleanup, broker, topic);
      const writer = await OutboxWriter.connect(cleanup, database.url);
      // Quiet: the per-batch debug line would be most of the work measured.
      const relay = cleanup.add(
        new OutboxRelay(broker, relayOptions(database.url, options), new Logger('OutboxRelay', { timestamp: false })),
        (r) => r.stop(),
      );
      Logger.overrideLogger(['error', 'warn']);
      cleanup.add(undefined, async () => Logger.overrideLogger(['error', 'warn', 'log', 'debug', 'verbose']));
      await relay.start();
      await eventually(async () => expect(relay.isLeader).toBe(true));

      const lags: number[] = [];
      for (let seq = 0; seq < WARM_UP + TRANSACTIONS; seq++) {
        await thinkTime(arrivalJitterMs);
        const committedAt = await writer.append(
          [testMessage(topic, { key: `cart-${seq % 8}`, seq })],
          nudge === 'NOTIFY',
        );
        if (nudge === 'wake()') relay.wake();
        await reader.untilSeq(`cart-${seq % 8}`, seq, 10_000);
        const received = reader.received.find((event) => event.seq === seq);
        if (seq >= WARM_UP && received) lags.push(received.receivedAt - committedAt);
      }
      results.push(summary(name, lags));
    },
    300_000,
  );
});
