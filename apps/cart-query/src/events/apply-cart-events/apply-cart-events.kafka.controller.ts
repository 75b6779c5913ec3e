import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { InboundBatch } from '@converge/kafka';
import { ApplyCartEventsHandler } from './apply-cart-events.handler';
import type { BatchOutcome } from './consumer-stats';

/** The pattern the BrokerTransport routes the cart events topic to, whatever its name. */
export const CART_EVENTS_PATTERN = 'cart-events';

@Controller()
export class ApplyCartEventsKafkaController {
  constructor(private readonly handler: ApplyCartEventsHandler) {}

  @EventPattern(CART_EVENTS_PATTERN)
  apply(@Payload() batch: InboundBatch): Promise<BatchOutcome> {
    return this.handler.handle(batch);
  }
}
