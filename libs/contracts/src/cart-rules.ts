/** Limits both sides agree on: the write side enforces them, the read side checks events against them. */
export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const MAX_LINE_QUANTITY = 1000;
export const MAX_CART_LINES = 100;
