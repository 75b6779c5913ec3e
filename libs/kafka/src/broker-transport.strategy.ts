import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { EventBroker, InboundBatch, Subscription } from './event-broker';

export interface BatchRoute {
  /** The @EventPattern the handling controller declares. */
  pattern: string;
  topic: string;
  groupId: string;
  maxBatchSize?: number;
}

/**
 * A Nest microservice transport over the EventBroker port. Unlike Nest's built-in Kafka
 * transport, each route is its own consumer group member, handlers receive whole batches, the
 * offset is committed only after the handler resolved, and a failing handler is retried with
 * backoff (by the broker adapter) instead of the message being acknowledged or the consumer dying.
 */
export class BrokerTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('BrokerTransport');
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly broker: EventBroker,
    private readonly routes: BatchRoute[],
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const route of this.routes) this.subscriptions.push(await this.subscribe(route));
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  }

  pause(): void {
    for (const subscription of this.subscriptions) subscription.pause();
  }

  resume(): void {
    for (const subscription of this.subscriptions) subscription.resume();
  }

  on(): never {
    throw new Error('BrokerTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  private subscribe(route: BatchRoute): Promise<Subscription> {
    const handler = this.getHandlerByPattern(route.pattern);
    if (!handler) throw new Error(`no @EventPattern('${route.pattern}') handler is registered`);
    return this.broker.subscribe({
      topic: route.topic,
      groupId: route.groupId,
      maxBatchSize: route.maxBatchSize,
      handleBatch: async (batch: InboundBatch) => {
        await lastValueFrom(this.transformToObservable(await handler(batch)), { defaultValue: undefined });
      },
    });
  }
}
