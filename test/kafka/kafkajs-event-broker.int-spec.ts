import { type BatchHandler, KafkajsEventBroker } from '@converge/kafka';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { testKafkaBrokers, uniqueName } from '../support/test-env';

describe('the kafkajs EventBroker on a real broker', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  const newBroker = () =>
    cleanup.add(
      new KafkajsEventBroker({
        clientId: 'event-broker-test',
        brokers: testKafkaBrokers().split(','),
        logLevel: 'error',
      }),
      (b) => b.disconnect(),
    );

  it('commits the batch it was handling when stopped, before it leaves the group', async () => {
    const broker = newBroker();
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

  it('commits the batch it was handling as a rebalance began, so no member handles it again', async () => {
    const [first, second] = [newBroker(), newBroker()];
    const topic = uniqueName('event-broker-rebalance');
    const groupId = uniqueName('event-broker-rebalance-group');
    await first.ensureTopics([{ name: topic, partitions: 1 }]);
    const handled = new Map<string, number>();
    let started!: () => void;
    const handling = new Promise<void>((resolve) => (started = resolve));
    let revoked!: () => void;
    const sawRevocation = new Promise<void>((resolve) => (revoked = resolve));
    const handleBatch: BatchHandler = async (batch, control) => {
      for (const message of batch.messages) {
        const value = message.value?.toString() ?? '';
        handled.set(value, (handled.get(value) ?? 0) + 1);
      }
      if (handled.size > 1 || [...handled.values()].some((n) => n > 1)) return;
      started();
      // The work is still running when the coordinator announces the rebalance.
      await eventually(async () => expect(control.isActive()).toBe(false), 30_000, 10);
      revoked();
    };
    cleanup.add(await first.subscribe({ topic, groupId, handleBatch }), (s) => s.stop());
    await first.publish(topic, [{ key: 'cart', value: 'event' }]);
    await handling;

    // A second member joins mid-batch; its join completes only once the first has rejoined.
    const joined = second.subscribe({ topic, groupId, handleBatch });
    await sawRevocation;
    cleanup.add(await joined, (s) => s.stop());
    await first.publish(topic, [{ key: 'cart', value: 'after' }]);

    await eventually(async () => expect(await first.consumerLag(groupId, topic)).toEqual([{ partition: 0, lag: 0 }]));
    expect(Object.fromEntries(handled)).toEqual({ event: 1, after: 1 });
  });

  it('starts a new group at the end of the topic as of the call, and leaves a group with offsets alone', async () => {
    const broker = newBroker();
    const topic = uniqueName('group-at-end');
    const groupId = uniqueName('group-at-end');
    await broker.ensureTopics([{ name: topic, partitions: 2 }]);
    await broker.publish(topic, [
      { key: 'a', value: 'before-1' },
      { key: 'b', value: 'before-2' },
    ]);
    await broker.startGroupAtEnd(groupId, topic);
    await broker.publish(topic, [{ key: 'a', value: 'after' }]);
    // Again, with the offsets now committed: nothing moves.
    await broker.startGroupAtEnd(groupId, topic);

    const seen: string[] = [];
    const subscription = await broker.subscribe({
      topic,
      groupId,
      handleBatch: async (batch) => {
        seen.push(...batch.messages.map((message) => message.value?.toString() ?? ''));
      },
    });
    cleanup.add(subscription, (s) => s.stop());
    await eventually(async () => expect(seen).toEqual(['after']));
    expect((await broker.consumerLag(groupId, topic)).reduce((sum, p) => sum + p.lag, 0)).toBe(0);
  });

  it('publishes a batch far over the broker’s 1 MiB limit to one partition, all of it, in order', async () => {
    const broker = cleanup.add(
      new KafkajsEventBroker({
        clientId: 'event-broker-bytes',
        brokers: testKafkaBrokers().split(','),
        logLevel: 'error',
      }),
      (b) => b.disconnect(),
    );
    const topic = uniqueName('event-broker-bytes');
    await broker.ensureTopics([{ name: topic, partitions: 3 }]);
    // 3 MiB on one key: one record batch of it is refused (MESSAGE_TOO_LARGE), forever.
    const messages = Array.from({ length: 30 }, (_, n) => ({
      key: 'one-cart',
      value: `${String(n).padStart(3, '0')}${'x'.repeat(100 * 1024)}`,
      headers: { n: String(n) },
    }));
    await broker.publish(topic, messages);

    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      void broker
        .subscribe({
          topic,
          groupId: uniqueName('event-broker-bytes-group'),
          handleBatch: async (batch) => {
            received.push(...batch.messages.map((message) => message.headers.n));
            if (received.length >= messages.length) resolve();
          },
        })
        .then((subscription) => cleanup.add(subscription, (sub) => sub.stop()));
    });
    await all;
    expect(received).toEqual(messages.map((_, n) => String(n)));
  });
});
