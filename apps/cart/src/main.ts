import 'reflect-metadata';
import { Logger } from '@nestjs/common';
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
  logger.log(`listening on :${config.port}`);
}

bootstrap().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say what, without a stack trace.
  if (error instanceof InvalidConfigError) process.stderr.write(`cart: ${error.message}\n`);
  else process.stderr.write(`cart: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
