import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import type { CartCommand } from '../cart-command';
import { type CartChanges, CartUnitOfWork } from '../cart-unit-of-work';

export interface SetItemQuantity extends CartCommand {
  sku: string;
  quantity: number;
}

@Injectable()
export class SetItemQuantityHandler {
  constructor(@Inject(CartUnitOfWork) private readonly carts: CartChanges) {}

  execute(command: SetItemQuantity): Promise<Cart> {
    return this.carts.change(command, (cart) => cart.setItemQuantity(command.sku, command.quantity, new Date()));
  }
}
