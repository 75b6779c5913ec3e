import { createHash } from 'node:crypto';
import { AppError, ErrorKind } from '@converge/platform';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Visible ASCII, as a UUID or any client-made token is; a repeated header ("a, b") holds a space and fails. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export class InvalidIdempotencyKeyError extends AppError {
  readonly code = 'INVALID_IDEMPOTENCY_KEY';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor() {
    super(`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 visible ASCII characters, such as a UUID`);
  }
}

/** The key already answered another request: the client reused a key for a different write. */
export class IdempotencyKeyReusedError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind: ErrorKind = 'unprocessable';
  readonly retriable = false;

  constructor() {
    super(`This ${IDEMPOTENCY_KEY_HEADER} was used for another request (method, path or body)`);
  }
}

/**
 * Raised inside the write's transaction when a concurrent request with the same key committed
 * first: the transaction rolls back, and the edge answers with what that request recorded.
 */
export class IdempotencyKeyTakenError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_TAKEN';
  readonly kind: ErrorKind = 'conflict';
  readonly retriable = true;

  constructor() {
    super(`A concurrent request with this ${IDEMPOTENCY_KEY_HEADER} committed first`);
  }
}

/** The header's key; undefined when the client sent none. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY_PATTERN.test(header)) throw new InvalidIdempotencyKeyError();
  return header;
}

/** What makes two requests "the same write": method, path and body, hashed. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}\n${JSON.stringify(body ?? null)}`)
    .digest('base64url');
}

/** An answer as the client got it, kept to be given again. */
export interface RecordedAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A write that carries a key: who sent it, the key, what it asked, and how to answer it. */
export interface IdempotentWrite<T = unknown> {
  owner: string;
  key: string;
  fingerprint: string;
  /** The answer to record with the change, from what the change produced. */
  answer(result: T): RecordedAnswer;
}
