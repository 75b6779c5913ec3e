import type { ErrorBody } from '@converge/platform';
import { JsonResponse, requestJson } from '../support/http';
import { bearer } from '../support/test-env';

export interface CartBody {
  id: string;
  version: number;
  items: { sku: string; quantity: number }[];
  updatedAt: string;
}

export type CartAnswer = JsonResponse<CartBody & ErrorBody>;

export type RequestHeaders = Record<string, string>;

/**
 * The Cart write API as a client sees it: JSON in, JSON out, headers as given, as the tests'
 * owner unless the headers carry another Authorization.
 */
export class CartWriteClient {
  constructor(
    private readonly baseUrl: string,
    private readonly authorization: string = bearer(),
  ) {}

  createCart(headers: RequestHeaders = {}, body?: string): Promise<CartAnswer> {
    return this.send('POST', '/carts', body, headers);
  }

  addItem(cartId: string, body: unknown, headers: RequestHeaders = {}): Promise<CartAnswer> {
    return this.send('POST', `/carts/${cartId}/items`, JSON.stringify(body), headers);
  }

  setItemQuantity(cartId: string, sku: string, body: unknown, headers: RequestHeaders = {}): Promise<CartAnswer> {
    return this.send('PATCH', `/carts/${cartId}/items/${sku}`, JSON.stringify(body), headers);
  }

  removeItem(cartId: string, sku: string, headers: RequestHeaders = {}): Promise<CartAnswer> {
    return this.send('DELETE', `/carts/${cartId}/items/${sku}`, undefined, headers);
  }

  clearCart(cartId: string, headers: RequestHeaders = {}, body?: string): Promise<CartAnswer> {
    return this.send('DELETE', `/carts/${cartId}/items`, body, headers);
  }

  getCart(cartId: string, headers: RequestHeaders = {}): Promise<CartAnswer> {
    return this.send('GET', `/carts/${cartId}`, undefined, headers);
  }

  /** A request exactly as given: for malformed bodies and content types. */
  send(method: string, path: string, body?: string, headers: RequestHeaders = {}): Promise<CartAnswer> {
    const contentType: RequestHeaders = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const auth: RequestHeaders = { Authorization: this.authorization };
    return requestJson(`${this.baseUrl}${path}`, { method, body, headers: { ...auth, ...contentType, ...headers } });
  }

  /** A new cart's id; fails the test if creation fails. */
  async newCart(): Promise<string> {
    const created = await this.createCart();
    if (created.status !== 201) throw new Error(`POST /carts answered ${created.status}`);
    return created.body.id;
  }
}
