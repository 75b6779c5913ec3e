import type { Cart } from '../domain/cart';
import type { IdempotentWrite } from '../idempotency/idempotency-key';

/** What every change to an existing cart carries besides its own input. */
export interface CartCommand {
  cartId: string;
  /** The caller, from the access token: only the cart's owner may change it. */
  owner: string;
  /** From If-Match: apply only at this version; undefined applies at whatever version the cart is. */
  expectedVersion?: number;
  /** The caller's traceparent, continued by the event's trace context. */
  traceparent?: string;
  /** From Idempotency-Key: the answer is recorded with the change, and a retry gets it again. */
  idempotency?: IdempotentWrite<Cart>;
}
