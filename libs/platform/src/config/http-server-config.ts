import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().min(100).max(300_000).default(fallback);

/**
 * How long a client may take, and how many may hold a socket: without them a client that sends
 * headers, or part of a body, and then nothing, holds its socket forever, and SIGTERM waits for it.
 */
export const httpServerVars = {
  /** The whole request, headers and body: then 408 and the connection is closed. */
  HTTP_REQUEST_TIMEOUT_MS: ms(10_000),
  /** The request line and headers alone (at most the request timeout). */
  HTTP_HEADERS_TIMEOUT_MS: ms(5_000),
  /** An idle kept-alive connection is closed after this. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: ms(5_000),
  /** Connections beyond this are refused by closing them. */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  /** After the drain, connections still open after this long are closed, and the process exits. */
  SHUTDOWN_DEADLINE_MS: ms(10_000),
};

export interface HttpServerLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  shutdownDeadlineMs: number;
}

type HttpServerEnv = { [K in keyof typeof httpServerVars]: z.output<(typeof httpServerVars)[K]> };

export function httpServerLimits(env: HttpServerEnv): HttpServerLimits {
  return {
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    // Node refuses a headers timeout longer than the request's.
    headersTimeoutMs: Math.min(env.HTTP_HEADERS_TIMEOUT_MS, env.HTTP_REQUEST_TIMEOUT_MS),
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.HTTP_MAX_CONNECTIONS,
    shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS,
  };
}
