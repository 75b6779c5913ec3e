import { Inject, Injectable, Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { EVENT_BROKER, type EventBroker, type PartitionLag } from '@converge/kafka';
import { ScrapeSource } from '@converge/platform';
import { cartQueryConfig, type CartQueryConfig } from '../cart-query.config';

/**
 * How many events of each partition the consumer group has still to apply, asked of Kafka at
 * scrape time: of the whole group, so any instance answers for all of them.
 */
@Injectable()
export class ConsumerLagMetrics {
  constructor(
    registry: Registry,
    @Inject(EVENT_BROKER) broker: EventBroker,
    @Inject(cartQueryConfig.KEY) config: CartQueryConfig,
  ) {
    const lag = new ScrapeSource<PartitionLag[]>(
      `the lag of consumer group ${config.groupId} on ${config.eventsTopic}`,
      () => broker.consumerLag(config.groupId, config.eventsTopic),
      new Logger('ConsumerLagMetrics'),
    );
    new Gauge({
      name: 'converge_consumer_lag',
      help: 'Messages of the events topic the consumer group has not committed yet, by partition',
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        for (const { partition, lag: messages } of (await lag.value()) ?? []) {
          this.set({ partition: String(partition) }, messages);
        }
      },
    });
  }
}
