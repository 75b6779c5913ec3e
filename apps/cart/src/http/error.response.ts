import { ApiProperty } from '@nestjs/swagger';

/** The error body of every 4xx and 5xx, for the OpenAPI document. */
export class ErrorResponse {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'Cart 3f2b… does not exist' })
  message!: string;

  @ApiProperty({ example: 'CART_NOT_FOUND', description: 'Stable and machine-readable: switch on this.' })
  code!: string;
}
