import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import type { CartCommand } from '../cart-command';
import { type CartChanges, CartUnitOfWork } from '../cart-unit-of-work';

export interface RemoveItem extends CartCommand {
  sku: string;
}

@Injectable()
export class RemoveItemHandler {
  constructor(@Inject(CartUnitOfWork) private readonly carts: CartChanges) {}

  execute(command: RemoveItem): Promise<Cart> {
    return this.carts.change(command, (cart) => cart.removeItem(command.sku, new Date()));
  }
}
