import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt } from 'class-validator';

export class SetPausedRequest {
  @ApiProperty({ example: true })
  @IsBoolean()
  paused!: boolean;
}

/** Cart-Query bounds the range and answers 400 beyond it: the studio passes that on. */
export class SetReplicationDelayRequest {
  @ApiProperty({ example: 50 })
  @IsInt()
  minMs!: number;

  @ApiProperty({ example: 200 })
  @IsInt()
  maxMs!: number;
}
