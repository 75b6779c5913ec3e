import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * One request header as a handler parameter. Nest's @Headers() takes no pipes; this one does.
 * Node joins a repeated header's values with ", ".
 */
export const RequestHeader = createParamDecorator(
  (name: string, context: ExecutionContext): string | string[] | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().headers[name.toLowerCase()],
);
