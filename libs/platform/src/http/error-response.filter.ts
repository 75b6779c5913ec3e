import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { toErrorBody } from './error-body';

/** Every error leaves as JSON `{statusCode, error, message, code}`; only 5xx are logged as errors. */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}

export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const errorBody = toErrorBody(exception);
  if (errorBody.statusCode >= 500 && errorBody.statusCode !== 503) {
    logger.error(
      `${request.method} ${request.url} failed`,
      exception instanceof Error ? exception.stack : String(exception),
    );
  }
  if (exception instanceof AppError && exception.retryAfterSeconds !== undefined) {
    void reply.header('Retry-After', String(exception.retryAfterSeconds));
  }
  if (errorBody.code === 'DATABASE_UNAVAILABLE') {
    void reply.header('Retry-After', '1');
    logger.warn(
      `${request.method} ${request.routeOptions.url ?? request.url}: database unavailable: ${messageOf(exception)}`,
    );
  }
  if (exception instanceof AppError && exception.challenge !== undefined) {
    void reply.header('WWW-Authenticate', exception.challenge);
  }
  void reply.status(errorBody.statusCode).header('Content-Type', 'application/json').send(errorBody);
}

function messageOf(exception: unknown): string {
  return exception instanceof Error ? exception.message : String(exception);
}
