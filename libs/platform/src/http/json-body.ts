import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error';

export class MalformedJsonError extends AppError {
  readonly code = 'MALFORMED_JSON';
  readonly kind = 'invalid' as const;
  readonly retriable = false;
}

/**
 * JSON is the only body either service accepts: every other content type finds no parser and is
 * refused before any handler runs. An empty body parses as no body, for endpoints that take none.
 */
export function acceptOnlyJson(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  // Keeps Fastify's defences against __proto__ and constructor poisoning.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, (error, value) =>
      error ? done(new MalformedJsonError(`Body is not valid JSON: ${error.message}`)) : done(null, value),
    );
  });
}
