import { AppError, ErrorKind } from '@converge/platform';
import { MAX_CART_LINES, MAX_CART_VERSION, MAX_LINE_QUANTITY, SKU_PATTERN } from '@converge/contracts';

export class CartNotFoundError extends AppError {
  readonly code = 'CART_NOT_FOUND';
  readonly kind: ErrorKind = 'not-found';
  readonly retriable = false;

  constructor(readonly cartId: string) {
    super(`Cart ${cartId} does not exist`);
  }
}

export class LineNotFoundError extends AppError {
  readonly code = 'LINE_NOT_FOUND';
  readonly kind: ErrorKind = 'not-found';
  readonly retriable = false;

  constructor(
    readonly cartId: string,
    readonly sku: string,
  ) {
    super(`Cart ${cartId} has no line for sku ${sku}`);
  }
}

/** The client acted on a version it no longer holds; it should read the cart again and decide. */
export class VersionMismatchError extends AppError {
  readonly code = 'VERSION_MISMATCH';
  readonly kind: ErrorKind = 'precondition-failed';
  readonly retriable = false;

  constructor(
    readonly cartId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Cart ${cartId} is at version ${actual}, not ${expected}`);
  }
}

export class LineQuantityLimitError extends AppError {
  readonly code = 'LINE_QUANTITY_LIMIT';
  readonly kind: ErrorKind = 'unprocessable';
  readonly retriable = false;

  constructor(
    readonly sku: string,
    readonly requested: number,
  ) {
    super(`Line ${sku} would hold ${requested}; a line holds at most ${MAX_LINE_QUANTITY}`);
  }
}

export class CartLineLimitError extends AppError {
  readonly code = 'CART_LINE_LIMIT';
  readonly kind: ErrorKind = 'unprocessable';
  readonly retriable = false;

  constructor(readonly cartId: string) {
    super(`Cart ${cartId} already holds ${MAX_CART_LINES} lines, the most a cart may hold`);
  }
}

/** A cart changed two billion times takes no more changes: a clear refusal, not an integer overflow. */
export class CartVersionLimitError extends AppError {
  readonly code = 'CART_VERSION_LIMIT';
  readonly kind: ErrorKind = 'unprocessable';
  readonly retriable = false;

  constructor(readonly cartId: string) {
    super(`Cart ${cartId} is at version ${MAX_CART_VERSION}, the highest a cart may reach`);
  }
}

/** The HTTP edge rejects these first; the domain still guards them so no caller can bypass the rule. */
export class InvalidSkuError extends AppError {
  readonly code = 'INVALID_SKU';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor() {
    // The rejected value is left out: it may be anything, of any length.
    super(`sku must match ${SKU_PATTERN.source}`);
  }
}

export class InvalidQuantityError extends AppError {
  readonly code = 'INVALID_QUANTITY';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    super(`quantity must be an integer from ${min} to ${max}`);
  }
}

/** The owner holds as many carts as a deployment allows (OWNER_MAX_CARTS). */
export class OwnerCartLimitError extends AppError {
  readonly code = 'OWNER_CART_LIMIT';
  readonly kind: ErrorKind = 'too-many-requests';
  readonly retriable = false;
  /** Carts are not deleted through the API: a place frees only when an operator removes carts. */
  override readonly retryAfterSeconds = 3600;

  constructor(readonly limit: number) {
    super(`An owner may hold at most ${limit} carts`);
  }
}
