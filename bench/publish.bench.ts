import { Kafka, logLevel, type Producer } from 'kafkajs';
import { KafkajsEventBroker, type OutboundMessage } from '@converge/kafka';
import { Cleanup } from '../test/support/cleanup';
import { testKafkaBrokers, uniqueName } from '../test/support/test-env';

/**
 * A measurement, not a test: what publishing costs now that KafkajsEventBroker chooses partitions
 * and checks each is acknowledged (tulios/kafkajs#1303), against kafkajs's producer.send with the
 * same settings in the same run. `npm run bench:publish`; medians of 9 alternating rounds of 50 sends.
 */
const ROUNDS = 9;
const SENDS = 50;
const BATCH_SIZES = [1, 100];
const PARTITIONS = 3;

function batch(size: number, round: number, send: number): OutboundMessage[] {
  return Array.from({ length: size }, (_, i) => ({
    key: `cart-${(send * size + i) % 97}`,
    value: JSON.stringify({ round, send, i, payload: 'x'.repeat(200) }),
  }));
}

type Publish = (messages: OutboundMessage[]) => Promise<unknown>;

/** Mean ms per send over one round of SENDS sends. */
async function roundMs(size: number, round: number, publish: Publish): Promise<number> {
  const started = process.hrtime.bigint();
  for (let send = 0; send < SENDS; send++) await publish(batch(size, round, send));
  return Number(process.hrtime.bigint() - started) / SENDS / 1e6;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

describe('publish cost', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('prints KafkajsEventBroker.publish against producer.send', async () => {
    const brokers = testKafkaBrokers().split(',');
    const broker = cleanup.add(new KafkajsEventBroker({ clientId: 'bench-publish', brokers, logLevel: 'error' }), (b) =>
      b.disconnect(),
    );
    const topic = uniqueName('bench-publish');
    await broker.ensureTopics([{ name: topic, partitions: PARTITIONS }]);
    const kafka = new Kafka({ clientId: 'bench-send', brokers, logLevel: logLevel.NOTHING });
    // The settings KafkajsEventBroker gives its own producer.
    const producer: Producer = cleanup.add(
      kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
      (p) => p.disconnect(),
    );
    await producer.connect();
    const send: Publish = (messages) => producer.send({ topic, acks: -1, messages });
    const publish: Publish = (messages) => broker.publish(topic, messages);
    await send(batch(10, -1, 0));
    await publish(batch(10, -1, 0));

    const rows: string[] = [];
    for (const size of BATCH_SIZES) {
      // Rounds alternate, so a machine that slows down mid-run slows both alike.
      const baseline: number[] = [];
      const ours: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        baseline.push(await roundMs(size, round, send));
        ours.push(await roundMs(size, round, publish));
      }
      const [sendMs, publishMs] = [median(baseline), median(ours)];
      rows.push(`| ${size} | ${sendMs.toFixed(2)} | ${publishMs.toFixed(2)} | ${(publishMs / sendMs).toFixed(2)}× |`);
    }
    process.stdout.write(
      `| messages per send | producer.send ms (median) | KafkajsEventBroker.publish ms (median) | ratio\n` +
        `| --- | --- | --- | --- |\n${rows.join('\n')}\n`,
    );
    expect(rows).toHaveLength(BATCH_SIZES.length);
  }, 300_000);
});
