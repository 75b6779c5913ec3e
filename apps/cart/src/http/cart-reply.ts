import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { entityTag } from '@converge/platform';
import { SESSION_TOKEN_HEADER, SessionToken, SessionTokenCodec } from '@converge/session-token';
import type { Cart } from '../domain/cart';
import { CartResponse } from './cart.response';

/** Turns a cart into the HTTP answer: its body, its ETag and, after a write, the session token. */
@Injectable()
export class CartReply {
  constructor(private readonly codec: SessionTokenCodec) {}

  /** The token now also requires the version just written, so the client can read its own write. */
  written(reply: FastifyReply, session: SessionToken, cart: Cart): CartResponse {
    void reply.header(SESSION_TOKEN_HEADER, this.codec.encode(session.require(cart.id, cart.version)));
    return this.read(reply, cart);
  }

  read(reply: FastifyReply, cart: Cart): CartResponse {
    void reply.header('ETag', entityTag(cart.version));
    return CartResponse.of(cart);
  }
}
