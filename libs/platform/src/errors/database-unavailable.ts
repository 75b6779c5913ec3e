/**
 * PostgreSQL SQLSTATEs that say "the database could not serve this now", not "this request is
 * wrong": connection exceptions (08), shutdowns and start-ups (57P0x), too many connections,
 * a statement cancelled by statement_timeout, and a database that is gone or closed.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '57014',
  '3D000',
]);
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);
/** node-postgres reports these without a code. */
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not currently accepting connections/i,
  // query_timeout: no answer over a link gone silent (the connection is then dropped).
  /^Query read timeout$/,
];

interface MaybeCoded {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
}

/** Whether a failure came from the database being unreachable or overloaded (TypeORM wraps the driver's error). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, driverError } = error as MaybeCoded;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) {
    return true;
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  return driverError !== undefined && driverError !== error && isDatabaseUnavailable(driverError);
}
