import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { cartEventTopics } from '@converge/contracts';
import { backoffDelayMs, delay, EVENT_BROKER, type EventBroker } from '@converge/kafka';
import { closeOnSignal, createHttpApp, InvalidConfigError } from '@converge/platform';
import { cartConfig } from './cart.config';
import { CartModule } from './cart.module';

async function bootstrap(): Promise<void> {
  const config = cartConfig();
  const app = await createHttpApp(CartModule, {
    title: 'converge · Cart',
    description: 'Write side: carts change here, in one transaction with their outbox events.',
    logLevel: config.logLevel,
  });
  const logger = new Logger('Cart');
  closeOnSignal(app, logger);
  await app.listen(config.port, '0.0.0.0');
  // Writes do not need Kafka (they land in the outbox), so the topic is made without blocking them.
  void ensureEventTopics(app.get<EventBroker>(EVENT_BROKER), config.eventsTopic, logger);
  logger.log(`listening on :${config.port}`);
}

async function ensureEventTopics(broker: EventBroker, topic: string, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await broker.ensureTopics(cartEventTopics(topic));
    } catch (error) {
      logger.warn(
        `creating ${topic} failed (attempt ${attempt + 1}): ${error instanceof Error ? error.message : error}`,
      );
      await delay(backoffDelayMs(attempt));
    }
  }
}

bootstrap().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say what, without a stack trace.
  if (error instanceof InvalidConfigError) process.stderr.write(`cart: ${error.message}\n`);
  else process.stderr.write(`cart: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
