import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import { CartRepository, type CartWrites } from '../../infrastructure/cart.repository';
import type { CartCommand } from '../cart-command';

export interface AddItem extends CartCommand {
  sku: string;
  quantity: number;
}

@Injectable()
export class AddItemHandler {
  constructor(@Inject(CartRepository) private readonly carts: CartWrites) {}

  execute(command: AddItem): Promise<Cart> {
    return this.carts.change(command, (cart) => {
      cart.expectVersion(command.expectedVersion);
      return cart.addItem(command.sku, command.quantity, new Date());
    });
  }
}
