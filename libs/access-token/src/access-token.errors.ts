import { AppError, ErrorKind } from '@converge/platform';

export type AccessTokenProblem = 'missing' | 'malformed' | 'invalid' | 'expired' | 'unknown-key';

const CODES: Readonly<Record<AccessTokenProblem, string>> = {
  missing: 'ACCESS_TOKEN_MISSING',
  malformed: 'ACCESS_TOKEN_INVALID',
  invalid: 'ACCESS_TOKEN_INVALID',
  expired: 'ACCESS_TOKEN_EXPIRED',
  'unknown-key': 'ACCESS_TOKEN_KEY_UNKNOWN',
};

const MESSAGES: Readonly<Record<AccessTokenProblem, string>> = {
  missing: 'An Authorization: Bearer <token> header is required',
  malformed: 'The Authorization header must be exactly "Bearer <token>"',
  invalid: 'The access token is not valid',
  expired: 'The access token has expired',
  'unknown-key': 'The access token names a signing key (kid) this service does not know',
};

/**
 * Why a request is not authenticated. Messages are fixed per problem: nothing of the token, the
 * library's reason or the secret reaches the caller or the logs.
 */
export class AccessTokenError extends AppError {
  readonly kind: ErrorKind = 'unauthorized';
  readonly retriable = false;
  readonly code: string;
  /** RFC 6750: tells the client which scheme to use, and whether the token it sent was bad. */
  override readonly challenge: string;

  constructor(readonly problem: AccessTokenProblem) {
    super(MESSAGES[problem]);
    this.code = CODES[problem];
    this.challenge =
      problem === 'missing' ? 'Bearer realm="converge"' : 'Bearer realm="converge", error="invalid_token"';
  }
}

/**
 * A token names a key this service does not hold, and the key set it would look in cannot be
 * fetched: the key may well exist (rotated in at the provider), so the answer is "try again", not
 * "your token is bad".
 */
export class AccessTokenKeysUnavailableError extends AppError {
  readonly code = 'ACCESS_TOKEN_KEYS_UNAVAILABLE';
  readonly kind: ErrorKind = 'unavailable';
  readonly retriable = true;

  /** The reason is logged where the fetch failed; an unauthenticated caller is told no more than this. */
  constructor(override readonly retryAfterSeconds: number) {
    super('The keys that sign access tokens cannot be fetched now; try again later');
  }
}

/** A valid caller without the scope a route requires: they are known, just not allowed. */
export class InsufficientScopeError extends AppError {
  readonly code = 'INSUFFICIENT_SCOPE';
  readonly kind: ErrorKind = 'forbidden';
  readonly retriable = false;
  override readonly challenge: string;

  constructor(readonly scope: string) {
    super(`This operation requires an access token with the scope ${scope}`);
    this.challenge = `Bearer realm="converge", error="insufficient_scope", scope="${scope}"`;
  }
}
