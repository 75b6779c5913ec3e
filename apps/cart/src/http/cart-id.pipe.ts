import { ParseUuidPipe } from '@converge/platform';

/** The cartId path parameter: a UUID, lower-cased, or 400 INVALID_CART_ID. */
export const ParseCartIdPipe = new ParseUuidPipe('cartId', 'INVALID_CART_ID');
