import type { FastifyInstance } from 'fastify';
import { activeSpan, tracingEnabled } from '@converge/tracing';

/**
 * Names each request's server span by its route ("POST /carts/:cartId/items"), which only the
 * router knows: the http instrumentation sees the method alone. Added only when tracing is on.
 */
export function nameSpansByRoute(fastify: FastifyInstance): void {
  if (!tracingEnabled()) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = activeSpan();
    if (span && route) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
    done();
  });
}
