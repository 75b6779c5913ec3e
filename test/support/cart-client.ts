import { requestJson, type JsonResponse } from './http';
import { bearer } from './test-env';

export interface CartBody {
  id: string;
  version: number;
  items: Array<{ sku: string; quantity: number }>;
  updatedAt: string;
}

export interface CartAnswer extends JsonResponse<CartBody> {
  token?: string;
}

/**
 * Speaks the Cart and Cart-Query REST contract as one caller (the tests' owner unless given
 * another Authorization), passing the session token along when given one.
 */
export class CartClient {
  constructor(
    readonly baseUrl: string,
    private readonly authorization: string = bearer(),
  ) {}

  private async call(path: string, init: RequestInit, token?: string, key?: string): Promise<CartAnswer> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', this.authorization);
    if (token) headers.set('X-Session-Token', token);
    if (key) headers.set('Idempotency-Key', key);
    if (init.body !== undefined) headers.set('Content-Type', 'application/json');
    const answer = await requestJson<CartBody>(`${this.baseUrl}${path}`, { ...init, headers });
    return { ...answer, token: answer.headers.get('x-session-token') ?? undefined };
  }

  /** Writes take an Idempotency-Key: a retry with the same one is answered without a second change. */
  createCart(token?: string, key?: string): Promise<CartAnswer> {
    return this.call('/carts', { method: 'POST' }, token, key);
  }

  addItem(cartId: string, sku: string, quantity: number, token?: string, key?: string): Promise<CartAnswer> {
    const body = JSON.stringify({ sku, quantity });
    return this.call(`/carts/${cartId}/items`, { method: 'POST', body }, token, key);
  }

  setQuantity(cartId: string, sku: string, quantity: number, token?: string, key?: string): Promise<CartAnswer> {
    const body = JSON.stringify({ quantity });
    return this.call(`/carts/${cartId}/items/${sku}`, { method: 'PATCH', body }, token, key);
  }

  removeItem(cartId: string, sku: string, token?: string, key?: string): Promise<CartAnswer> {
    return this.call(`/carts/${cartId}/items/${sku}`, { method: 'DELETE' }, token, key);
  }

  clearCart(cartId: string, token?: string, key?: string): Promise<CartAnswer> {
    return this.call(`/carts/${cartId}/items`, { method: 'DELETE' }, token, key);
  }

  getCart(cartId: string, token?: string): Promise<CartAnswer> {
    return this.call(`/carts/${cartId}`, { method: 'GET' }, token);
  }

  /** Cart-Query only: a read that must miss no write committed more than `maxStaleness` ms before it. */
  getCartWithin(cartId: string, maxStaleness: number | string, token?: string): Promise<CartAnswer> {
    return this.call(`/carts/${cartId}`, { method: 'GET', headers: { 'Max-Staleness': String(maxStaleness) } }, token);
  }

  /** Cart-Query only, with an operator's Authorization: pauses (true) or resumes (false) consumption. */
  async setConsumptionPaused(paused: boolean): Promise<void> {
    const answer = await requestJson<{ paused: boolean }>(`${this.baseUrl}/operations/consumption`, {
      method: 'PUT',
      headers: { Authorization: this.authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({ paused }),
    });
    if (answer.status !== 200 || answer.body.paused !== paused) {
      throw new Error(`PUT /operations/consumption answered ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
}
