import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, ErrorKind, RequestHeader } from '@converge/platform';

export const MAX_STALENESS_HEADER = 'Max-Staleness';
/** Past an hour a bound says nothing a read without one does not; a bigger one is a client bug. */
export const MAX_STALENESS_CAP_MS = 3_600_000;

export class InvalidMaxStalenessError extends AppError {
  readonly code = 'INVALID_MAX_STALENESS';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor() {
    super(`${MAX_STALENESS_HEADER} must be one whole number of milliseconds from 0 to ${MAX_STALENESS_CAP_MS}`);
  }
}

const MILLISECONDS = /^(0|[1-9]\d{0,6})$/;

/** The bound in ms, or undefined without the header. A repeated header ("a, b", or an array) is refused. */
export function parseMaxStaleness(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') throw new InvalidMaxStalenessError();
  const match = MILLISECONDS.exec(header.trim());
  if (match === null || Number(match[1]) > MAX_STALENESS_CAP_MS) throw new InvalidMaxStalenessError();
  return Number(match[1]);
}

@Injectable()
export class ParseMaxStalenessPipe implements PipeTransform<string | string[] | undefined, number | undefined> {
  transform(header: string | string[] | undefined): number | undefined {
    return parseMaxStaleness(header);
  }
}

/** `Max-Staleness: <ms>`: answer nothing older than that, as of the request's arrival. */
export const MaxStaleness = (): ParameterDecorator => RequestHeader('max-staleness', ParseMaxStalenessPipe);
