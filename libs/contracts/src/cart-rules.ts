/** Limits both sides agree on: the write side enforces them, the read side checks events against them. */
export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const MAX_LINE_QUANTITY = 1000;
export const MAX_CART_LINES = 100;
/** A cart's version is a PostgreSQL integer on both sides: a cart at this version takes no more changes. */
export const MAX_CART_VERSION = 2 ** 31 - 1;

/**
 * Who owns a cart: the `sub` of the caller's access token. Carts, events and logs carry it, so it
 * is bounded and printable (no control or format characters, no surrounding blanks), whatever an
 * identity provider puts in `sub`.
 */
export const MAX_OWNER_LENGTH = 128;
export const OWNER_PATTERN = /^[^\p{Cc}\p{Cf}\s](?:[^\p{Cc}\p{Cf}]*[^\p{Cc}\p{Cf}\s])?$/u;
