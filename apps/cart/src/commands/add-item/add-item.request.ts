import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { MAX_LINE_QUANTITY, SKU_PATTERN } from '@converge/contracts';

export class AddItemRequest {
  @ApiProperty({ example: 'SKU-42', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN)
  sku!: string;

  @ApiProperty({
    example: 2,
    minimum: 1,
    maximum: MAX_LINE_QUANTITY,
    description: `Added to the line; the line may hold at most ${MAX_LINE_QUANTITY}.`,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}
