import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error';

export class MalformedJsonError extends AppError {
  readonly code = 'MALFORMED_JSON';
  readonly kind = 'invalid' as const;
  readonly retriable = false;
}

export class UnsupportedCharsetError extends AppError {
  readonly code = 'UNSUPPORTED_CONTENT_TYPE';
  readonly kind = 'invalid' as const;
  readonly retriable = false;

  constructor() {
    super('Only application/json bodies in UTF-8 are accepted');
  }
}

/**
 * JSON between systems is UTF-8 (RFC 8259 §8.1). A client that names another charset sent bytes
 * that decoding as UTF-8 would garble rather than refuse, so it is told, not guessed at.
 */
export function declaresOtherCharset(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1];
  return charset !== undefined && !/^utf-?8$/i.test(charset);
}

/**
 * Far deeper than any body either service takes (theirs are one level), far shallower than what
 * the recursive validation behind the parser survives: 16 KiB of `[` nests 8,000 levels, and
 * class-transformer overflowed the stack on it, answering 500.
 */
export const MAX_JSON_DEPTH = 32;

export class JsonTooDeepError extends AppError {
  readonly code = 'BAD_REQUEST';
  readonly kind = 'invalid' as const;
  readonly retriable = false;

  constructor() {
    super(`the request body must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`);
  }
}

/** Walks with a stack of its own, so measuring a hostile body cannot overflow the call stack either. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, depth } = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push({ node: child, depth: depth + 1 });
  }
  return false;
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
    if (declaresOtherCharset(request.headers['content-type'])) return done(new UnsupportedCharsetError());
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, (error, value) => {
      if (error) return done(new MalformedJsonError(`Body is not valid JSON: ${error.message}`));
      if (jsonDepthExceeds(value, MAX_JSON_DEPTH)) return done(new JsonTooDeepError());
      done(null, value);
    });
  });
}
