import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkajsEventBroker } from '@converge/kafka';
import { Cleanup } from '../support/cleanup';
import { TestStack } from '../support/stack';
import { bearer, testKafkaBrokers } from '../support/test-env';

describe('Cart-Query starting while its consumer group rebalances', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('is ready and answers reads before its consumer has joined the group', async () => {
    const brokers = testKafkaBrokers().split(',');
    const stack = cleanup.add(await TestStack.start({ carts: 0, queries: 0 }), (s) => s.stop());
    const broker = cleanup.add(new KafkajsEventBroker({ clientId: 'busy-member', brokers, logLevel: 'error' }), (b) =>
      b.disconnect(),
    );
    const admin = new Kafka({ clientId: 'startup-test', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    cleanup.add(admin, (a) => a.disconnect());

    // A member of the group busy with a batch cannot rejoin: a newcomer's join waits for it
    // (until the group evicts it, seconds later), as in a rebalance during a rolling restart.
    let busy!: () => void;
    const handling = new Promise<void>((resolve) => (busy = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    cleanup.add(release, async (done) => done());
    await broker.subscribe({
      topic: stack.topic,
      groupId: stack.groupId,
      handleBatch: async () => {
        busy();
        await released;
      },
    });
    await broker.publish(stack.topic, [{ key: randomUUID(), value: 'not an event: it is never handled' }]);
    await handling;

    const query = await stack.startQuery();
    const [group] = (await admin.describeGroups([stack.groupId])).groups;
    const joined = group.state === 'Stable' && group.members.some((member) => member.clientId === 'cart-query');
    expect({ state: group.state, joined }).toEqual({ state: group.state, joined: false });
    expect((await fetch(`${query.url}/carts/${randomUUID()}`, { headers: { Authorization: bearer() } })).status).toBe(
      404,
    );
  });
});
