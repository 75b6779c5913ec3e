import type { FastifyReply } from 'fastify';
import { SessionToken, SessionTokenCodec } from '@converge/session-token';
import { Cart } from '../domain/cart';
import { CartReply } from './cart-reply';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_CART = '00000000-0000-4000-8000-000000000001';

function recordingReply(): { reply: FastifyReply; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, headers };
}

describe('CartReply', () => {
  const codec = new SessionTokenCodec('a-unit-test-secret-of-at-least-32-bytes');
  const cartReply = new CartReply(codec);
  const cart = Cart.restore({
    id: CART_ID,
    owner: 'alice',
    version: 3,
    updatedAt: new Date('2026-01-01T00:00:00.000Z'),
    lines: [
      { sku: 'b', quantity: 1 },
      { sku: 'A', quantity: 2 },
    ],
  });

  it('answers a read with the body and the ETag', () => {
    const { reply, headers } = recordingReply();
    expect(cartReply.read(reply, cart)).toEqual({
      id: CART_ID,
      version: 3,
      items: [
        { sku: 'A', quantity: 2 },
        { sku: 'b', quantity: 1 },
      ],
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(headers).toEqual({ ETag: '"3"' });
  });

  it('answers a write with a token that keeps the request’s carts and requires the new version', () => {
    const { reply, headers } = recordingReply();
    cartReply.written(reply, SessionToken.of([[OTHER_CART, 9]]), cart);
    expect(headers.ETag).toBe('"3"');
    const token = codec.decode(headers['X-Session-Token']);
    expect(token.entries()).toEqual([
      [OTHER_CART, 9],
      [CART_ID, 3],
    ]);
  });
});
