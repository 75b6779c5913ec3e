import { UUID_PATTERN } from '@converge/platform';

export const CART_ID_BYTES = 16;

/** Lower-cased so the same cart written in two cases never occupies two slots of a bounded token. */
export function normaliseCartId(cartId: string): string {
  if (typeof cartId !== 'string' || !UUID_PATTERN.test(cartId)) {
    throw new RangeError('cartId must be a canonical UUID');
  }
  return cartId.toLowerCase();
}

export function cartIdToBytes(cartId: string): Buffer {
  return Buffer.from(cartId.replace(/-/g, ''), 'hex');
}

export function cartIdFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
