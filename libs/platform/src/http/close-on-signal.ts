import type { Server } from 'node:http';
import { INestApplication, Logger } from '@nestjs/common';
import { stopTracing } from '@converge/tracing';
import { shutdownDrain } from './shutdown-drain';

/** Buffered spans get this long to leave; a dead collector never holds a stop up longer. */
const TRACE_FLUSH_MS = 2000;

/**
 * On SIGTERM or SIGINT: drain for `drainMs` (not ready, still serving what arrives), then stop
 * taking requests, let in-flight work and shutdown hooks finish (consumers commit and leave their
 * group), flush the buffered spans, and exit 0 so supervisors see a clean stop. A connection still open `deadlineMs` after
 * the drain (a client sending nothing) is closed, so a stop never waits on a client.
 */
export function closeOnSignal(app: INestApplication, logger: Logger, drainMs: number, deadlineMs: number): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    shutdownDrain.begin();
    logger.log(`${signal} received: draining for ${drainMs} ms, then shutting down`);
    new Promise((resolve) => setTimeout(resolve, drainMs))
      .then(() => {
        setTimeout(() => {
          logger.warn(`shutdown deadline of ${deadlineMs} ms passed: closing the connections still open`);
          (app.getHttpServer() as Server).closeAllConnections();
        }, deadlineMs).unref();
        return app.close();
      })
      .then(() => flushSpans(logger))
      .then(
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

async function flushSpans(logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, TRACE_FLUSH_MS)));
  const flushed = stopTracing().catch((error: unknown) =>
    logger.warn(`flushing spans failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  await Promise.race([flushed, late]);
  clearTimeout(timer);
}
