/**
 * What went wrong, in domain terms. The edge (HTTP filter, Kafka consumer) decides what it
 * means for the caller: a status code, or whether to retry.
 */
export type ErrorKind =
  | 'invalid'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'too-many-requests'
  | 'unavailable';

export abstract class AppError extends Error {
  /** Stable, machine-readable; clients may switch on it. */
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** Whether the same operation may succeed if tried again unchanged. */
  abstract readonly retriable: boolean;
  /** For `unavailable` and `too-many-requests` errors: when a client should try again. */
  readonly retryAfterSeconds?: number;
  /** For `unauthorized` errors: the WWW-Authenticate challenge that tells the client what to send. */
  readonly challenge?: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
