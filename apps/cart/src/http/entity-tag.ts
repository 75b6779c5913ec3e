import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, ErrorKind } from '@converge/platform';

export class InvalidIfMatchError extends AppError {
  readonly code = 'INVALID_IF_MATCH';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor() {
    super('If-Match must be "*" or one cart version as this service issues it in ETag, such as "3"');
  }
}

/** Our own ETags only: a version without leading zeros, quoted or (leniently) bare. */
const VERSION_TAG = /^(?:"(0|[1-9]\d{0,9})"|(0|[1-9]\d{0,9}))$/;

/**
 * The version a write is conditional on; undefined when there is no condition. `*` asks only
 * that the cart exist, which every change requires anyway. Lists and weak tags (W/"3") are
 * refused rather than half-supported: If-Match compares strongly, and we issue one tag per cart.
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  // Node joins a repeated If-Match into one "a, b" value, which the tag pattern refuses; the
  // array form, typed by Node for any header, is refused the same way.
  if (typeof header !== 'string') throw new InvalidIfMatchError();
  const value = header.trim();
  if (value === '*') return undefined;
  const match = VERSION_TAG.exec(value);
  if (match === null) throw new InvalidIfMatchError();
  return Number(match[1] ?? match[2]);
}

@Injectable()
export class ParseIfMatchPipe implements PipeTransform<string | string[] | undefined, number | undefined> {
  transform(header: string | string[] | undefined): number | undefined {
    return parseIfMatch(header);
  }
}
