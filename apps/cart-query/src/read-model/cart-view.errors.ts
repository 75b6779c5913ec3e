import { AppError } from '@converge/platform';

export class CartViewNotFoundError extends AppError {
  readonly code = 'CART_NOT_FOUND';
  readonly kind = 'not-found' as const;
  readonly retriable = false;

  constructor(cartId: string) {
    super(`Cart ${cartId} is not known to the read model`);
  }
}

/** The session token asks for a version the read model has not reached within the wait bound. */
export class ReadModelBehindError extends AppError {
  readonly code = 'READ_MODEL_BEHIND';
  readonly kind = 'unavailable' as const;
  readonly retriable = true;
  override readonly retryAfterSeconds = 1;

  constructor(cartId: string, required: number, current: number | undefined) {
    super(
      `Cart ${cartId} is at version ${current ?? 'none'} in the read model; the session requires ${required}. Retry shortly.`,
    );
  }
}
