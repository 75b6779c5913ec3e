import { AppError } from '@converge/platform';

export class CartViewNotFoundError extends AppError {
  readonly code = 'CART_NOT_FOUND';
  readonly kind = 'not-found' as const;
  readonly retriable = false;

  /** `consistentAsOfMs`: the absence is true as of this watermark, when one is known. */
  constructor(
    cartId: string,
    readonly consistentAsOfMs?: number,
  ) {
    super(`Cart ${cartId} is not known to the read model`);
  }
}

/** The read model has not reached what the read asked for (a session's version, a staleness bound) within the wait. */
export class ReadModelBehindError extends AppError {
  readonly code = 'READ_MODEL_BEHIND';
  readonly kind = 'unavailable' as const;
  readonly retriable = true;
  override readonly retryAfterSeconds = 1;

  static version(cartId: string, required: number, current: number | undefined): ReadModelBehindError {
    return new ReadModelBehindError(
      `Cart ${cartId} is at version ${current ?? 'none'} in the read model; the session requires ${required}.`,
    );
  }

  static watermark(cartId: string, requiredMs: number, currentMs: number | undefined): ReadModelBehindError {
    const current = currentMs === undefined ? 'unknown' : new Date(currentMs).toISOString();
    return new ReadModelBehindError(
      `The read model is consistent as of ${current} for cart ${cartId}'s partition; ` +
        `the staleness bound requires ${new Date(requiredMs).toISOString()}.`,
    );
  }

  private constructor(detail: string) {
    super(`${detail} Retry shortly.`);
  }
}
