import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import { CartRepository, type CartWrites } from '../../infrastructure/cart.repository';
import type { CartCommand } from '../cart-command';

export interface SetItemQuantity extends CartCommand {
  sku: string;
  quantity: number;
}

@Injectable()
export class SetItemQuantityHandler {
  constructor(@Inject(CartRepository) private readonly carts: CartWrites) {}

  execute(command: SetItemQuantity): Promise<Cart> {
    return this.carts.change(command, (cart) => {
      cart.expectVersion(command.expectedVersion);
      return cart.setItemQuantity(command.sku, command.quantity, new Date());
    });
  }
}
