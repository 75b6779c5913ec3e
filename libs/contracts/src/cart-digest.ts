import { createHash } from 'node:crypto';

/**
 * Anti-entropy compares carts by digest, in a tree of buckets: 16 children a node, 3 levels, so
 * 4,096 leaves named by the first 3 hex digits of md5(cart id). At a million carts a leaf holds
 * about 244 carts: descending costs a few kilobytes, and a node's digest is the XOR of its
 * leaves', which both services keep up to date as carts change.
 */
export const DIGEST_DEPTH = 3;

export interface DigestedCart {
  id: string;
  version: number;
  owner: string;
  lines: ReadonlyArray<{ sku: string; quantity: number }>;
}

/**
 * The text both services hash, the write side in code and the read side in SQL (a test holds
 * them equal): id|version|owner|sku:quantity,… with lines in byte order of sku.
 */
export function canonicalCart(cart: DigestedCart): string {
  const lines = [...cart.lines]
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((line) => `${line.sku}:${line.quantity}`)
    .join(',');
  return `${cart.id}|${cart.version}|${cart.owner}|${lines}`;
}

/** The first 64 bits of md5 of the canonical text, as 16 hex digits. */
export function cartDigest(cart: DigestedCart): string {
  return createHash('md5').update(canonicalCart(cart)).digest('hex').slice(0, 16);
}

/** The leaf a cart's digest is folded into. */
export function digestBucketOf(cartId: string): string {
  return createHash('md5').update(cartId).digest('hex').slice(0, DIGEST_DEPTH);
}

/** PostgreSQL keeps digests as signed bigint (so XOR folds them): hex in, decimal text out. */
export function digestToBigint(hex: string): string {
  return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
}
