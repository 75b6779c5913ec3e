import { cartEventTopics } from '@converge/contracts';
import { KafkajsEventBroker } from '@converge/kafka';
import { Cleanup } from '../support/cleanup';
import { uniqueName } from '../support/test-env';
import { KafkaCluster } from './support/kafka-cluster';

/**
 * On a cluster of the scenario's own, started once for both tests (three JVMs take a while): the
 * broker the other suites share must not die.
 */
describe('a cluster of three Kafka brokers', () => {
  const cleanup = new Cleanup();
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = cleanup.add(await KafkaCluster.create(19192), (c) => c.destroy());
    await cluster.start();
  }, 90_000);
  afterAll(() => cleanup.run());

  // A broker learns of a new topic a moment after the controller made it: kafkajs's waitForLeaders
  // asked such a broker and gave up, failing Cart-Query's start-up more often than not.
  it('gets the events topics from ensureTopics, whichever broker learns of them last', async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const broker = new KafkajsEventBroker({
        clientId: 'topics',
        brokers: cluster.brokers.split(','),
        logLevel: 'error',
      });
      try {
        await broker.ensureTopics(cartEventTopics(uniqueName('cart.events')));
      } finally {
        await broker.disconnect();
      }
    }
  });
});
