import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';

/** Strings, checked as such: read as a boolean, any word but "true" would quietly mean false. */
export class ReadPaneQuery {
  @ApiProperty({ enum: ['true', 'false'], description: "Send the studio's session token for this cart" })
  @IsIn(['true', 'false'])
  token!: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Which Cart-Query instance, from 0' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(15)
  instance?: number;
}
