import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Injectable, NotFoundException, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { toErrorBody } from '../http/error-body';

/**
 * A port of its own for /metrics, so a scraper can be let in where the API's callers are not
 * (a NetworkPolicy, a firewall rule) and the main port need not expose it. Unset: the main port.
 */
export const metricsPortVar = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.coerce.number().int().min(1).max(65535).optional(),
);

/** Both servers cannot listen on one port: said at start, naming both variables, not as EADDRINUSE. */
export function refuseMetricsPortClash(
  env: { METRICS_PORT?: number } & Record<string, unknown>,
  ctx: z.RefinementCtx,
  portVariable: string,
): void {
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env[portVariable]) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['METRICS_PORT'],
      message: `must differ from ${portVariable} (${env.METRICS_PORT}), or be unset to serve /metrics there`,
    });
  }
}

const METRICS_PATH = '/metrics';

/**
 * Where /metrics is served: on the main port (the default), or on a second small HTTP server of
 * its own, reading the same registry, once `listen` is called; the main port then answers 404.
 */
@Injectable()
export class MetricsPort implements OnApplicationShutdown {
  #server?: Server;

  constructor(private readonly registry: Registry) {}

  get servedOnMainPort(): boolean {
    return this.#server === undefined;
  }

  async listen(port: number, host = '0.0.0.0'): Promise<void> {
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== METRICS_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return answerError(response, new NotFoundException(`Cannot ${request.method} ${path.slice(0, 100)}`));
    }
    try {
      const text = await this.registry.metrics();
      response.writeHead(200, { 'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE });
      response.end(request.method === 'HEAD' ? undefined : text);
    } catch {
      answerError(response, new Error('scrape failed'));
    }
  }
}

/** The services' one error shape, here too. */
function answerError(response: ServerResponse, error: unknown): void {
  const body = toErrorBody(error);
  response.writeHead(body.statusCode, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}
