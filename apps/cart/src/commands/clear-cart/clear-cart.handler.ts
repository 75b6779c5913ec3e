import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import type { CartCommand } from '../cart-command';
import { type CartChanges, CartUnitOfWork } from '../cart-unit-of-work';

export type ClearCart = CartCommand;

@Injectable()
export class ClearCartHandler {
  constructor(@Inject(CartUnitOfWork) private readonly carts: CartChanges) {}

  execute(command: ClearCart): Promise<Cart> {
    return this.carts.change(command, (cart) => cart.clear(new Date()));
  }
}
