import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Cart } from '../../domain/cart';
import type { IdempotentWrite } from '../../idempotency/idempotency-key';
import { type CartChanges, CartUnitOfWork } from '../cart-unit-of-work';

export interface CreateCart {
  /** The caller, from the access token: the new cart's owner. */
  owner: string;
  traceparent?: string;
  idempotency?: IdempotentWrite<Cart>;
}

@Injectable()
export class CreateCartHandler {
  constructor(@Inject(CartUnitOfWork) private readonly carts: CartChanges) {}

  execute(command: CreateCart): Promise<Cart> {
    const { cart } = Cart.create(randomUUID(), command.owner, new Date());
    return this.carts.create(cart, { traceparent: command.traceparent, idempotency: command.idempotency });
  }
}
