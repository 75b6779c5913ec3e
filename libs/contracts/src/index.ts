export * from './cart-rules';
export * from './cart-events';
export * from './decode-cart-event';
export * from './traceparent';
export * from './cart-digest';
