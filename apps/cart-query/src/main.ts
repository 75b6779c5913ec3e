import './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { cartEventTopics } from '@converge/contracts';
import { BrokerTransport, EVENT_BROKER, type EventBroker } from '@converge/kafka';
import { closeOnSignal, createHttpApp, runService, MetricsPort } from '@converge/platform';
import { cartQueryConfig } from './cart-query.config';
import { CartQueryModule } from './cart-query.module';
import { CART_EVENTS_PATTERN } from './events/apply-cart-events/apply-cart-events.kafka.controller';

async function bootstrap(): Promise<void> {
  const config = cartQueryConfig();
  const app = await createHttpApp(CartQueryModule, {
    title: 'converge · Cart-Query',
    description: 'Read side: a read model fed by cart events, with read-your-writes session tokens.',
    logLevel: config.logLevel,
    limits: config.http,
  });
  const logger = new Logger('CartQuery');
  closeOnSignal(app, logger, config.shutdownDrainMs, config.http.shutdownDeadlineMs);
  await app.init();
  const broker = app.get<EventBroker>(EVENT_BROKER);
  await broker.ensureTopics(cartEventTopics(config.eventsTopic));
  // No inheritAppConfig: the HTTP error filter must not swallow a failed batch; the transport retries it.
  app.connectMicroservice({
    strategy: new BrokerTransport(broker, [
      {
        pattern: CART_EVENTS_PATTERN,
        topic: config.eventsTopic,
        groupId: config.groupId,
        maxBatchSize: config.consumerMaxBatch,
      },
    ]),
  });
  // Reads come from the shared read model, not from this instance's consumer: they need not wait
  // for the group to take the consumer in, which lasts as long as the slowest member's batch.
  // Before the main port, so a clash stops the start rather than leaving metrics unserved.
  if (config.metricsPort !== undefined) await app.get(MetricsPort).listen(config.metricsPort);
  await app.listen(config.port, '0.0.0.0');
  await app.startAllMicroservices();
  logger.log(`listening on :${config.port}, consuming ${config.eventsTopic} as ${config.groupId}`);
}

runService('cart-query', bootstrap);
