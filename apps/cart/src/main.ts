import './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { cartEventTopics } from '@converge/contracts';
import { backoffDelayMs, delay } from '@converge/backoff';
import { EVENT_BROKER, type EventBroker } from '@converge/kafka';
import {
  closeOnSignal,
  createHttpApp,
  InvalidConfigError,
  runService,
  stopService,
  MetricsPort,
} from '@converge/platform';
import { cartConfig } from './cart.config';
import { CartModule } from './cart.module';

async function bootstrap(): Promise<void> {
  const config = cartConfig();
  const app = await createHttpApp(CartModule, {
    title: 'converge · Cart',
    description: 'Write side: carts change here, in one transaction with their outbox events.',
    logLevel: config.logLevel,
    limits: config.http,
  });
  const logger = new Logger('Cart');
  closeOnSignal(app, logger, config.shutdownDrainMs, config.http.shutdownDeadlineMs);
  // Before the main port, so a clash stops the start rather than leaving metrics unserved.
  if (config.metricsPort !== undefined) await app.get(MetricsPort).listen(config.metricsPort);
  await app.listen(config.port, '0.0.0.0');
  // Writes do not need Kafka (they land in the outbox), so the topic is made without blocking them.
  // Only refused credentials stop the service: no wait would make them good.
  void ensureEventTopics(app.get<EventBroker>(EVENT_BROKER), config.eventsTopic, logger).catch((error: unknown) =>
    stopService('cart', error),
  );
  logger.log(`listening on :${config.port}`);
}

async function ensureEventTopics(broker: EventBroker, topic: string, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await broker.ensureTopics(cartEventTopics(topic));
    } catch (error) {
      if (error instanceof InvalidConfigError) throw error;
      logger.warn(
        `creating ${topic} failed (attempt ${attempt + 1}): ${error instanceof Error ? error.message : error}`,
      );
      await delay(backoffDelayMs(attempt));
    }
  }
}

runService('cart', bootstrap);
