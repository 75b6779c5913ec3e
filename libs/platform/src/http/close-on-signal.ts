import { INestApplication, Logger } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: stop taking requests, let in-flight work and shutdown hooks finish
 * (consumers commit and leave their group), then exit 0 so supervisors see a clean stop.
 */
export function closeOnSignal(app: INestApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
