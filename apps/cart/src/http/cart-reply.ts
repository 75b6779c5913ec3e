import { HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { entityTag } from '@converge/platform';
import { SESSION_TOKEN_HEADER, SessionToken, SessionTokenCodec } from '@converge/session-token';
import type { Cart } from '../domain/cart';
import type { IdempotentWrite, RecordedAnswer } from '../idempotency/idempotency-key';
import type { RequestKey } from '../idempotency/request-key';
import { CartResponse } from './cart.response';

/** Turns a cart into the HTTP answer: its body, its ETag and, after a write, the session token. */
@Injectable()
export class CartReply {
  constructor(private readonly codec: SessionTokenCodec) {}

  /** The token now also requires the version just written, so the client can read its own write. */
  written(reply: FastifyReply, session: SessionToken, cart: Cart): CartResponse {
    return this.send(reply, this.changed(session, cart));
  }

  created(reply: FastifyReply, session: SessionToken, cart: Cart): CartResponse {
    return this.send(reply, this.made(session, cart));
  }

  read(reply: FastifyReply, cart: Cart): CartResponse {
    void reply.header('ETag', entityTag(cart.version));
    return CartResponse.of(cart);
  }

  /** A keyed request's write: what the unit of work records, the same answer `written` gives. */
  keyedChange(key: RequestKey | undefined, session: SessionToken): IdempotentWrite<Cart> | undefined {
    return key && { ...key, answer: (cart) => this.changed(session, cart) };
  }

  keyedCreate(key: RequestKey | undefined, session: SessionToken): IdempotentWrite<Cart> | undefined {
    return key && { ...key, answer: (cart) => this.made(session, cart) };
  }

  private changed(session: SessionToken, cart: Cart, status: number = HttpStatus.OK): RecordedAnswer {
    return {
      status,
      headers: {
        ETag: entityTag(cart.version),
        [SESSION_TOKEN_HEADER]: this.codec.encode(session.require(cart.id, cart.version)),
      },
      body: CartResponse.of(cart),
    };
  }

  private made(session: SessionToken, cart: Cart): RecordedAnswer {
    const answer = this.changed(session, cart, HttpStatus.CREATED);
    return { ...answer, headers: { Location: `/carts/${cart.id}`, ...answer.headers } };
  }

  private send(reply: FastifyReply, answer: RecordedAnswer): CartResponse {
    for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
    return answer.body as CartResponse;
  }
}
