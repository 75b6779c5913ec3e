import type { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error';
import { sendError } from './error-response.filter';

export class MissingHostError extends AppError {
  readonly code = 'MALFORMED_REQUEST';
  readonly kind = 'invalid' as const;
  readonly retriable = false;

  constructor() {
    super('An HTTP/1.1 request must carry a Host header');
  }
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node refuses a request without one itself, but
 * with an empty 400 and no `code`; the server is made with `requireHostHeader: false` so the
 * refusal happens here instead, through the same error path as every other refusal.
 */
export function requireHostHeader(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const { httpVersionMajor, httpVersionMinor, headers } = request.raw;
    const http11 = httpVersionMajor === 1 && httpVersionMinor >= 1;
    if (!http11 || headers.host !== undefined) return done();
    void reply.header('connection', 'close');
    sendError(new MissingHostError(), request, reply, logger);
  });
}
