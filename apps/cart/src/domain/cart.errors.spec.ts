import { toErrorBody } from '@converge/platform';
import {
  CartLineLimitError,
  CartNotFoundError,
  InvalidQuantityError,
  InvalidSkuError,
  LineNotFoundError,
  LineQuantityLimitError,
  VersionMismatchError,
} from './cart.errors';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

describe('cart errors answer HTTP with a stable code', () => {
  it.each([
    [new CartNotFoundError(CART_ID), 404, 'CART_NOT_FOUND'],
    [new LineNotFoundError(CART_ID, 'A'), 404, 'LINE_NOT_FOUND'],
    [new VersionMismatchError(CART_ID, 1, 2), 412, 'VERSION_MISMATCH'],
    [new LineQuantityLimitError('A', 1001), 422, 'LINE_QUANTITY_LIMIT'],
    [new CartLineLimitError(CART_ID), 422, 'CART_LINE_LIMIT'],
    [new InvalidSkuError(), 400, 'INVALID_SKU'],
    [new InvalidQuantityError(1, 1000), 400, 'INVALID_QUANTITY'],
  ])('%s → %i %s', (error, statusCode, code) => {
    expect(toErrorBody(error)).toEqual({ statusCode, error: expect.any(String), message: error.message, code });
    expect(error.retriable).toBe(false);
    expect(error.name).toBe(error.constructor.name);
  });
});
