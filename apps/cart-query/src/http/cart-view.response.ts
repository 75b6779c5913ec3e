import { ApiProperty } from '@nestjs/swagger';

class CartLineResponse {
  @ApiProperty({ example: 'SKU-123' }) sku!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
}

/** For the OpenAPI page: the cart as the read model holds it. */
export class CartViewResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ type: [CartLineResponse] }) items!: CartLineResponse[];
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
