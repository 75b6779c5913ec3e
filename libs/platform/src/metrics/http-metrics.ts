import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, Registry } from 'prom-client';

/** From a cached read (well under 1 ms) to a read waiting out its session token (2 s by default). */
export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

/** The route label of a request no route matched (404s, router-level rejections). */
export const UNMATCHED_ROUTE = 'unmatched';

type HttpLabel = 'method' | 'route' | 'status_code';

/**
 * The route pattern, never the raw URL: every cart id in a label would be a new time series.
 * Undefined for the metrics endpoint itself and the health probes, which are polled, not used.
 */
export function routeLabel(pattern: string | undefined): string | undefined {
  if (pattern === undefined) return UNMATCHED_ROUTE;
  if (pattern === '/metrics' || pattern.startsWith('/health/')) return undefined;
  return pattern;
}

export function observeRequest(histogram: Histogram<HttpLabel>, request: FastifyRequest, reply: FastifyReply): void {
  const route = routeLabel(request.routeOptions.url);
  if (route === undefined) return;
  histogram.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
}

/**
 * Times every HTTP request with a Fastify onResponse hook rather than a Nest interceptor: the
 * hook also sees what never reaches a handler (a body that does not parse, an unsupported
 * content type, an unknown route). Hooks must be added before Fastify is ready, which the
 * application bootstrap still is.
 */
@Injectable()
export class HttpMetrics implements OnApplicationBootstrap {
  private readonly logger = new Logger('HttpMetrics');
  private readonly duration: Histogram<HttpLabel>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    registry: Registry,
  ) {
    this.duration = new Histogram({
      name: 'converge_http_request_duration_seconds',
      help: 'HTTP request duration, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') {
      this.logger.warn(`HTTP requests are not timed: the HTTP adapter is ${adapter?.getType() ?? 'absent'}`);
      return;
    }
    adapter.getInstance<FastifyInstance>().addHook('onResponse', (request, reply, done) => {
      observeRequest(this.duration, request, reply);
      done();
    });
  }
}
