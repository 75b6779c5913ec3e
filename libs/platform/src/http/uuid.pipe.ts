import { Injectable, type PipeTransform } from '@nestjs/common';
import { AppError, type ErrorKind } from '../errors/app-error';

/** A UUID as RFC 9562 writes it, in either case; the one pattern every id check here uses. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID; the code names which id, so clients can switch on it. */
export class InvalidIdError extends AppError {
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor(
    readonly code: string,
    name: string,
  ) {
    super(`${name} must be a UUID such as 3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b`);
  }
}

/**
 * A path id that must be a UUID, lower-cased: an id becomes a key (in Kafka, in a session
 * token), and one thing spelled in two cases must still be one key.
 */
@Injectable()
export class ParseUuidPipe implements PipeTransform<unknown, string> {
  constructor(
    private readonly name: string,
    private readonly code: string,
  ) {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw new InvalidIdError(this.code, this.name);
    return value.toLowerCase();
  }
}
