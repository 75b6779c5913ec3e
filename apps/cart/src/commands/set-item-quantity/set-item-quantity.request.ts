import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_LINE_QUANTITY } from '@converge/contracts';

export class SetItemQuantityRequest {
  @ApiProperty({
    example: 3,
    minimum: 0,
    maximum: MAX_LINE_QUANTITY,
    description: 'The line’s new quantity; 0 removes the line.',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}
