import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A request's Idempotency-Key, whose it is, and what the request asked (its fingerprint). */
export interface RequestKey {
  owner: string;
  key: string;
  fingerprint: string;
}

export type KeyedRequest = FastifyRequest & { idempotencyKey?: RequestKey };

/** The key the IdempotentReplayInterceptor read and checked; undefined when the request has none. */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestKey | undefined =>
    context.switchToHttp().getRequest<KeyedRequest>().idempotencyKey,
);
