import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TRACEPARENT_HEADER } from '@converge/contracts';
import { ParseIfMatchPipe } from './entity-tag';
import { SESSION_TOKEN_HEADER } from '@converge/session-token';
import { ParseSessionTokenPipe } from './session-token.pipe';

/** Nest's @Headers() takes no pipes; this one does. Node joins a repeated header's values with ", ". */
const RequestHeader = createParamDecorator(
  (name: string, context: ExecutionContext): string | string[] | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().headers[name.toLowerCase()],
);

/** The version the write is conditional on, or undefined for an unconditional write. */
export const IfMatch = (): ParameterDecorator => RequestHeader('if-match', ParseIfMatchPipe);

/** The request's session token, decoded and verified; an empty token when the header is absent. */
export const RequestSession = (): ParameterDecorator => RequestHeader(SESSION_TOKEN_HEADER, ParseSessionTokenPipe);

/** The caller's W3C trace context, passed on unchecked: childTraceparent starts a new trace when it is invalid. */
export const Traceparent = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<FastifyRequest>().headers[TRACEPARENT_HEADER];
  return typeof value === 'string' ? value : undefined;
});
