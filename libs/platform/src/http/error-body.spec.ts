import { BadRequestException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { toErrorBody } from './error-body';

class CartMissing extends AppError {
  readonly code = 'CART_NOT_FOUND';
  readonly kind = 'not-found' as const;
  readonly retriable = false;
}

describe('toErrorBody', () => {
  it('maps an AppError by its kind and keeps its code', () => {
    expect(toErrorBody(new CartMissing('cart 1 does not exist'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'cart 1 does not exist',
      code: 'CART_NOT_FOUND',
    });
  });

  it('joins validation messages', () => {
    const body = toErrorBody(new BadRequestException(['sku must be a string', 'quantity must be an integer']));
    expect(body).toMatchObject({
      statusCode: 400,
      code: 'BAD_REQUEST',
      message: 'sku must be a string; quantity must be an integer',
    });
  });

  it('keeps details such as a health report', () => {
    const body = toErrorBody(
      new ServiceUnavailableException({ status: 'error', details: { kafka: { status: 'down' } } }),
    );
    expect(body).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE', details: { kafka: { status: 'down' } } });
  });

  it('turns framework body errors into 4xx with stable codes', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    const mediaType = Object.assign(new Error('Unsupported Media Type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(toErrorBody(tooLarge)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(toErrorBody(mediaType)).toMatchObject({ statusCode: 400, code: 'UNSUPPORTED_CONTENT_TYPE' });
    expect(toErrorBody(new SyntaxError('Unexpected token'))).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
  });

  it('hides the detail of an unexpected error', () => {
    expect(toErrorBody(new Error('connection string postgres://secret'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      code: 'INTERNAL',
    });
    expect(toErrorBody(new NotFoundException('Cannot GET /x')).code).toBe('NOT_FOUND');
  });
});
