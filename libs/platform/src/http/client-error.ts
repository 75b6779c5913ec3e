import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from './error-body';

/** Node's own rejections of a request it cannot parse; anything else it cannot parse is a 400. */
const CLIENT_ERRORS: Record<string, { statusCode: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    statusCode: 431,
    code: 'HEADERS_TOO_LARGE',
    message: 'The request line and headers exceed the allowed size',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    statusCode: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'The request was not received in time',
  },
};

const NOT_HTTP = { statusCode: 400, code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP/1.1' };

export function clientErrorBody(error: Error & { code?: string }): ErrorBody {
  const { statusCode, code, message } = CLIENT_ERRORS[error.code ?? ''] ?? NOT_HTTP;
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code };
}

/**
 * For what Node's parser refuses before Fastify or Nest see a request (oversized headers, control
 * characters, conflicting lengths): Fastify's default answer has no `code`, so clients would meet
 * the one error body that breaks the contract. Otherwise it behaves as Fastify's default.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body = clientErrorBody(error);
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.statusCode} ${body.error}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}
