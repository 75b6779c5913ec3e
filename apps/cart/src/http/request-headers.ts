import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TRACEPARENT_HEADER } from '@converge/contracts';
import { RequestHeader } from '@converge/platform';
import { ParseIfMatchPipe } from './entity-tag';

/** The version the write is conditional on, or undefined for an unconditional write. */
export const IfMatch = (): ParameterDecorator => RequestHeader('if-match', ParseIfMatchPipe);

/** The caller's W3C trace context, passed on unchecked: childTraceparent starts a new trace when it is invalid. */
export const Traceparent = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers[TRACEPARENT_HEADER];
  return typeof value === 'string' ? value : undefined;
});
