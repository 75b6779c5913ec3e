import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError, ErrorKind } from '../errors/app-error';
import { isDatabaseUnavailable } from '../errors/database-unavailable';

/** The one error shape both services answer with. */
export interface ErrorBody {
  [detail: string]: unknown;
  statusCode: number;
  error: string;
  message: string;
  code: string;
}

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'precondition-failed': HttpStatus.PRECONDITION_FAILED,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  'too-many-requests': HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_ENTITY',
  503: 'UNAVAILABLE',
};

/** Fastify's router rejections, raised before a request reaches Nest. */
const FRAMEWORK_CODES: Record<string, { statusCode: number; code: string }> = {
  FST_ERR_BAD_URL: { statusCode: 400, code: 'BAD_URL' },
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 400, code: 'PATH_PARAMETER_TOO_LONG' },
};

export function statusText(statusCode: number): string {
  const name = HttpStatus[statusCode] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function body(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: statusText(statusCode), message, code };
}

function fromHttpException(exception: HttpException): ErrorBody {
  // A body no parser accepts: the contract answers 400, as for any other malformed request.
  if (exception.getStatus() === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
    return body(400, 'UNSUPPORTED_CONTENT_TYPE', 'Only application/json bodies are accepted');
  }
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  let code = CODE_BY_STATUS[statusCode] ?? 'HTTP_ERROR';
  if (typeof response !== 'object' || response === null) return body(statusCode, code, message);
  const fields = response as Record<string, unknown>;
  if (Array.isArray(fields.message)) message = fields.message.join('; ');
  else if (typeof fields.message === 'string') message = fields.message;
  if (typeof fields.code === 'string') code = fields.code;
  // Details such as a health report's stay; the four fields every error has win.
  return { ...fields, ...body(statusCode, code, message) };
}

function isFrameworkError(error: unknown): error is { code: string; statusCode?: number; message: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** Maps anything thrown while serving a request to a status and a stable code. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppError) {
    return body(STATUS_BY_KIND[exception.kind], exception.code, exception.message);
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (isDatabaseUnavailable(exception)) {
    // Not the caller's fault, and likely brief: a retriable 503, never a 500.
    return body(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly');
  }
  if (isFrameworkError(exception)) {
    const known = FRAMEWORK_CODES[exception.code];
    if (known) return body(known.statusCode, known.code, exception.message);
    const status = exception.statusCode;
    if (status && status >= 400 && status < 500) {
      return body(status, CODE_BY_STATUS[status] ?? 'BAD_REQUEST', exception.message);
    }
  }
  return body(500, 'INTERNAL', 'Internal server error');
}
