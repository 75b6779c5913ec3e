import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import { CartNotFoundError } from '../../domain/cart.errors';
import { CartRepository, type CartReads } from '../../infrastructure/cart.repository';

export interface GetCart {
  cartId: string;
  /** The caller, from the access token. */
  owner: string;
}

/** The write model's own view: current the moment the write commits, unlike Cart-Query's. */
@Injectable()
export class GetCartHandler {
  constructor(@Inject(CartRepository) private readonly carts: CartReads) {}

  async execute(query: GetCart): Promise<Cart> {
    const cart = await this.carts.find(query.cartId);
    if (cart === undefined) throw new CartNotFoundError(query.cartId);
    cart.requireOwner(query.owner);
    return cart;
  }
}
