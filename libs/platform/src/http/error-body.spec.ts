import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { MalformedJsonError } from './json-body';
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

  it('turns body and router rejections into 400s and 413s with stable codes', () => {
    expect(toErrorBody(new HttpException('Unsupported Media Type', 415))).toMatchObject({
      statusCode: 400,
      code: 'UNSUPPORTED_CONTENT_TYPE',
    });
    expect(toErrorBody(new HttpException('Request body is too large', 413))).toMatchObject({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const badUrl = Object.assign(new Error("'/%FF' is not a valid url component"), { code: 'FST_ERR_BAD_URL' });
    expect(toErrorBody(badUrl)).toMatchObject({ statusCode: 400, code: 'BAD_URL' });
    expect(toErrorBody(new MalformedJsonError('Body is not valid JSON'))).toMatchObject({
      statusCode: 400,
      code: 'MALFORMED_JSON',
    });
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

  it.each([
    [
      'a terminated connection',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    ['a lost socket', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [
      'a closed database, wrapped by TypeORM',
      {
        message: 'query failed',
        driverError: { code: '55000', message: 'database "x" is not currently accepting connections' },
      },
    ],
    [
      'a statement timeout',
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    ],
  ])('answers %s with 503 DATABASE_UNAVAILABLE, not 500', (_, error) => {
    expect(toErrorBody(error)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'The database is unavailable; retry shortly',
      code: 'DATABASE_UNAVAILABLE',
    });
  });

  it('still answers a database error that is the request’s or the code’s fault with 500', () => {
    const violation = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(toErrorBody(violation).statusCode).toBe(500);
  });
});
