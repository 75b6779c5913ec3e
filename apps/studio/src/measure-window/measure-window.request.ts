import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min, ValidateNested } from 'class-validator';

export class DelaySettingRequest {
  @ApiProperty({ example: 50, minimum: 0, maximum: 5000 })
  @IsInt()
  @Min(0)
  @Max(5000)
  minMs!: number;

  @ApiProperty({ example: 200, minimum: 0, maximum: 5000 })
  @IsInt()
  @Min(0)
  @Max(5000)
  maxMs!: number;
}

export class MeasureWindowRequest {
  @ApiProperty({ type: [DelaySettingRequest], description: 'Measured one after the other, on one chart' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => DelaySettingRequest)
  settings!: DelaySettingRequest[];

  @ApiProperty({ example: 20, minimum: 3, maximum: 100, description: 'Writes per setting, each read at every offset' })
  @IsInt()
  @Min(3)
  @Max(100)
  rounds!: number;
}
