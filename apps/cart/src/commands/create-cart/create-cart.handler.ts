import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Cart } from '../../domain/cart';
import { CartRepository, type CartWrites } from '../../infrastructure/cart.repository';

export interface CreateCart {
  /** The caller, from the access token: the new cart's owner. */
  owner: string;
  traceparent?: string;
}

@Injectable()
export class CreateCartHandler {
  constructor(@Inject(CartRepository) private readonly carts: CartWrites) {}

  async execute(command: CreateCart): Promise<Cart> {
    const { cart, event } = Cart.create(randomUUID(), command.owner, new Date());
    await this.carts.add(cart, event, command.traceparent);
    return cart;
  }
}
