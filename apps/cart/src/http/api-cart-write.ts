import { applyDecorators, HttpStatus } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { TRACEPARENT_HEADER } from '@converge/contracts';
import { CartResponse } from './cart.response';
import { ErrorResponse } from './error.response';
import { SESSION_TOKEN_HEADER } from '@converge/session-token';
import { IDEMPOTENCY_KEY_HEADER } from '../idempotency/idempotency-key';

/** Every cart route: the caller proves who they are, and sees only their own carts. */
export const ApiUnauthenticated = (): MethodDecorator =>
  ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'ACCESS_TOKEN_MISSING, ACCESS_TOKEN_INVALID or ACCESS_TOKEN_EXPIRED, with WWW-Authenticate: Bearer.',
  });

export const ETAG_HEADER = { description: 'The cart version, quoted: "3".', schema: { type: 'string' } };

/** What every write documents: the answer with its headers, the request headers it reads, bad input. */
export function ApiCartWrite(summary: string, status: HttpStatus.OK | HttpStatus.CREATED): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiHeader({
      name: SESSION_TOKEN_HEADER,
      required: false,
      description: 'A read-your-writes token from an earlier answer; the answer’s token also covers this write.',
    }),
    ApiHeader({ name: TRACEPARENT_HEADER, required: false, description: 'W3C trace context, carried into the event.' }),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Up to 255 visible ASCII characters, such as a UUID. A retry with the same key, method, path and body ' +
        'gets the first answer again (status, body, ETag, session token, with Idempotent-Replayed: true) and changes nothing.',
    }),
    ApiResponse({
      status,
      type: CartResponse,
      description: 'The cart after the change.',
      headers: {
        ETag: ETAG_HEADER,
        [SESSION_TOKEN_HEADER]: {
          description: 'Pass to Cart-Query to read at least this version.',
          schema: { type: 'string' },
        },
      },
    }),
    ApiBadRequestResponse({
      type: ErrorResponse,
      description: 'Malformed input, If-Match, session token or Idempotency-Key (INVALID_IDEMPOTENCY_KEY).',
    }),
    ApiUnprocessableEntityResponse({
      type: ErrorResponse,
      description: 'IDEMPOTENCY_KEY_REUSED: the key answered another method, path or body.',
    }),
    ApiTooManyRequestsResponse({
      type: ErrorResponse,
      description: 'OWNER_WRITE_RATE_LIMIT, or OWNER_CART_LIMIT on create; with Retry-After (seconds).',
    }),
    ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'A body over 16 KiB.' }),
    ApiUnauthenticated(),
  );
}

/** A write to an existing cart: may be conditional on its version. */
export function ApiCartChange(summary: string): MethodDecorator {
  return applyDecorators(
    ApiCartWrite(summary, HttpStatus.OK),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'Apply only if the cart is at this version: an ETag from an earlier answer, such as "3".',
    }),
    ApiNotFoundResponse({
      type: ErrorResponse,
      description: 'CART_NOT_FOUND (also for a cart another caller owns), or LINE_NOT_FOUND where a line must exist.',
    }),
    ApiPreconditionFailedResponse({ type: ErrorResponse, description: 'VERSION_MISMATCH: nothing was changed.' }),
  );
}
