import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { cartEventTopics, decodeCartEvent } from '@converge/contracts';
import { EVENT_BROKER, type EventBroker, type InboundBatch, type Subscription } from '@converge/kafka';
import { studioConfig, type StudioConfig } from '../studio.config';
import { JourneyBoard } from './journey-board';

/**
 * The events topic, read by a consumer group of the studio's own: the committed and published
 * stages of every event, whoever wrote it. Poison is not the studio's to judge: it is skipped.
 */
@Injectable()
export class WatchPublishedEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PublishedEvents');
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BROKER) private readonly broker: EventBroker,
    @Inject(studioConfig.KEY) private readonly config: StudioConfig,
    private readonly board: JourneyBoard,
  ) {}

  /** Before the studio answers ready: every event written once it is ready is seen, none from before. */
  async onApplicationBootstrap(): Promise<void> {
    await this.broker.ensureTopics(cartEventTopics(this.config.eventsTopic));
    await this.broker.startGroupAtEnd(this.config.groupId, this.config.eventsTopic);
    this.subscription = await this.broker.subscribe({
      topic: this.config.eventsTopic,
      groupId: this.config.groupId,
      handleBatch: async (batch) => this.take(batch),
    });
    this.logger.log(`watching ${this.config.eventsTopic} as ${this.config.groupId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  private take(batch: InboundBatch): void {
    for (const message of batch.messages) {
      const decoded = decodeCartEvent(message.value);
      if (!decoded.ok) continue;
      const event = decoded.event;
      const owner = event.type === 'CartCreated' || event.type === 'CartSnapshot' ? event.payload.owner : undefined;
      this.board.published({
        eventId: event.eventId.toLowerCase(),
        cartId: event.cartId.toLowerCase(),
        version: event.version,
        type: event.type,
        owner,
        occurredAt: event.occurredAt,
        partition: message.partition,
        offset: message.offset,
        timestamp: message.timestamp,
      });
    }
  }
}
