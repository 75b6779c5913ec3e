import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { closeOnSignal, createHttpApp, InvalidConfigError } from '@converge/platform';
import { cartQueryConfig } from './cart-query.config';
import { CartQueryModule } from './cart-query.module';

async function bootstrap(): Promise<void> {
  const config = cartQueryConfig();
  const app = await createHttpApp(CartQueryModule, {
    title: 'converge · Cart-Query',
    description: 'Read side: a read model fed by cart events, with read-your-writes session tokens.',
    logLevel: config.logLevel,
  });
  const logger = new Logger('CartQuery');
  closeOnSignal(app, logger);
  await app.listen(config.port, '0.0.0.0');
  logger.log(`listening on :${config.port}`);
}

bootstrap().catch((error: unknown) => {
  // A bad configuration is the operator's to fix: say what, without a stack trace.
  if (error instanceof InvalidConfigError) process.stderr.write(`cart-query: ${error.message}\n`);
  else process.stderr.write(`cart-query: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
