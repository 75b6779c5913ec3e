import { KafkajsEventBroker } from '@converge/kafka';
import { asMessage, CartEventStream } from '../../test/support/cart-event-stream';
import { testKafkaBrokers, uniqueName } from '../../test/support/test-env';
import { ProcessUsage, type UsageReport } from './process-usage';

export interface BrokerThroughputResult {
  records: number;
  batch: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  usage: Record<string, UsageReport>;
}

/**
 * One partition's write rate through converge's own publish path (acks from every in-sync
 * replica, the relay's batch size): the capacity model's Kafka figure. Records are real envelopes.
 */
export async function runBrokerThroughput(
  records: number,
  batch: number,
  kafkaPids: () => number[],
): Promise<BrokerThroughputResult> {
  const broker = new KafkajsEventBroker({
    clientId: 'bench-partition',
    brokers: testKafkaBrokers().split(','),
    logLevel: 'error',
  });
  const topic = uniqueName('bench.partition');
  try {
    await broker.ensureTopics([{ name: topic, partitions: 1 }]);
    const cart = new CartEventStream();
    const messages = [
      cart.created(),
      ...Array.from({ length: records - 1 }, (_, i) => cart.added(`SKU-${i % 10}`, 1)),
    ].map(asMessage);
    const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.key) + Buffer.byteLength(m.value), 0);
    await broker.publish(topic, messages.slice(0, batch)); // connections and metadata, before the clock
    const usage = new ProcessUsage({ kafka: kafkaPids, load: () => [process.pid] });
    const started = performance.now();
    for (let i = batch; i < messages.length; i += batch) await broker.publish(topic, messages.slice(i, i + batch));
    const seconds = (performance.now() - started) / 1000;
    const sent = messages.length - batch;
    return {
      records: sent,
      batch,
      recordsPerSecond: Math.round(sent / seconds),
      megabytesPerSecond: Number(((bytes * (sent / messages.length)) / seconds / 1e6).toFixed(1)),
      usage: usage.stop(),
    };
  } finally {
    await broker.disconnect();
  }
}
