import { Inject, Injectable } from '@nestjs/common';
import type { Cart } from '../../domain/cart';
import { CartRepository, type CartWrites } from '../../infrastructure/cart.repository';
import type { CartCommand } from '../cart-command';

export interface RemoveItem extends CartCommand {
  sku: string;
}

@Injectable()
export class RemoveItemHandler {
  constructor(@Inject(CartRepository) private readonly carts: CartWrites) {}

  execute(command: RemoveItem): Promise<Cart> {
    return this.carts.change(command, (cart) => {
      cart.expectVersion(command.expectedVersion);
      return cart.removeItem(command.sku, new Date());
    });
  }
}
