/** What every change to an existing cart carries besides its own input. */
export interface CartCommand {
  cartId: string;
  /** The caller, from the access token: only the cart's owner may change it. */
  owner: string;
  /** From If-Match: apply only at this version; undefined applies at whatever version the cart is. */
  expectedVersion?: number;
  /** The caller's traceparent, continued by the event's trace context. */
  traceparent?: string;
}
