import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_REPLICATION_DELAY_MS } from './replication-delay';

export class SetReplicationDelayRequest {
  @ApiProperty({ example: 50, minimum: 0, maximum: MAX_REPLICATION_DELAY_MS })
  @IsInt()
  @Min(0)
  @Max(MAX_REPLICATION_DELAY_MS)
  minMs!: number;

  @ApiProperty({ example: 200, minimum: 0, maximum: MAX_REPLICATION_DELAY_MS, description: '0 turns it off.' })
  @IsInt()
  @Min(0)
  @Max(MAX_REPLICATION_DELAY_MS)
  maxMs!: number;
}

export class ReplicationDelayResponse {
  @ApiProperty({ description: 'Each batch waits at least this long before it is applied.' })
  minMs!: number;

  @ApiProperty({ description: 'And at most this long; 0 when no delay is injected.' })
  maxMs!: number;
}
