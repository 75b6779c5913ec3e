import { KafkajsEventBroker } from '@converge/kafka';
import { Cleanup } from '../support/cleanup';
import { testKafkaBrokers, uniqueName } from '../support/test-env';

describe('the kafkajs EventBroker on a real broker', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('commits the batch it was handling when stopped, before it leaves the group', async () => {
    const broker = cleanup.add(
      new KafkajsEventBroker({
        clientId: 'event-broker-test',
        brokers: testKafkaBrokers().split(','),
        logLevel: 'error',
      }),
      (b) => b.disconnect(),
    );
    const topic = uniqueName('event-broker');
    const groupId = uniqueName('event-broker-group');
    await broker.ensureTopics([{ name: topic, partitions: 1 }]);
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const subscription = await broker.subscribe({
      topic,
      groupId,
      handleBatch: async () => {
        started();
        await finished;
      },
    });
    await broker.publish(topic, [{ key: 'cart', value: 'event' }]);
    await handling;

    // A SIGTERM arrives mid-batch: the handler's work completes after the stop began.
    const stopped = subscription.stop();
    finish();
    await stopped;

    // Whoever gets the partition next starts after the batch, not at it again.
    expect(await broker.consumerLag(groupId, topic)).toEqual([{ partition: 0, lag: 0 }]);
  });
});
