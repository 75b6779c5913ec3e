import { ApiProperty } from '@nestjs/swagger';
import { MAX_LINE_QUANTITY, SKU_PATTERN } from '@converge/contracts';
import type { Cart } from '../domain/cart';

export class CartLineResponse {
  @ApiProperty({ example: 'SKU-42', pattern: SKU_PATTERN.source })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: MAX_LINE_QUANTITY })
  quantity!: number;
}

/** The cart as both services answer it; the read side builds the identical body from the events. */
export class CartResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ minimum: 0, description: 'Raised by exactly 1 on every change; 0 when created.' })
  version!: number;

  @ApiProperty({ type: [CartLineResponse], description: 'One line per sku, sorted by sku in byte order.' })
  items!: CartLineResponse[];

  @ApiProperty({ format: 'date-time', description: 'When the last change happened: its event’s occurredAt.' })
  updatedAt!: string;

  static of(cart: Cart): CartResponse {
    return { id: cart.id, version: cart.version, items: cart.items, updatedAt: cart.updatedAt.toISOString() };
  }
}
