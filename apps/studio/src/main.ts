import './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { closeOnSignal, createHttpApp, runService, MetricsPort } from '@converge/platform';
import { studioConfig } from './studio.config';
import { StudioModule } from './studio.module';

async function bootstrap(): Promise<void> {
  const config = studioConfig();
  const app = await createHttpApp(StudioModule, {
    title: 'converge · studio',
    description: "Watch a write travel from Cart's transaction to the read model, and run the experiments.",
    logLevel: config.logLevel,
    limits: config.http,
  });
  const logger = new Logger('Studio');
  closeOnSignal(app, logger, config.shutdownDrainMs, config.http.shutdownDeadlineMs);
  // Before the main port, so a clash stops the start rather than leaving metrics unserved.
  if (config.metricsPort !== undefined) await app.get(MetricsPort).listen(config.metricsPort);
  await app.listen(config.port, '0.0.0.0');
  logger.log(
    `studio on http://127.0.0.1:${config.port}/ watching Cart ${config.cartUrl} and ${config.cartQueryUrls.join(', ')}`,
  );
}

runService('studio', bootstrap);
