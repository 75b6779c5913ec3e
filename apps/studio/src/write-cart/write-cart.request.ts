import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, Min } from 'class-validator';

/** Cart checks skus and quantities itself: the studio passes its 4xx on. */
export class AddItemRequest {
  @ApiProperty({ example: 'apple' })
  @IsString()
  sku!: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  quantity!: number;
}

export class SetQuantityRequest {
  @ApiProperty({ example: 3 })
  @IsInt()
  quantity!: number;
}

export const MAX_BURST = 1000;

export class BurstRequest {
  @ApiProperty({ example: 100, minimum: 1, maximum: MAX_BURST })
  @IsInt()
  @Min(1)
  @Max(MAX_BURST)
  count!: number;
}
