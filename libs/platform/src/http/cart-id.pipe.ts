import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, type ErrorKind } from '../errors/app-error';

export class InvalidCartIdError extends AppError {
  readonly code = 'INVALID_CART_ID';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor() {
    super('cartId must be a UUID such as 3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Lower-cases the id: it becomes the Kafka key, and one cart spelled in two cases must still
 * land in one partition, in order.
 */
@Injectable()
export class ParseCartIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new InvalidCartIdError();
    return value.toLowerCase();
  }
}
