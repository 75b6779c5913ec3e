import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

/** As many as fit a 16 KiB body (39 bytes an id); a reconciler or a rebuild sends several. */
export const MAX_SNAPSHOTS_PER_REQUEST = 400;

export class EmitSnapshotsRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_SNAPSHOTS_PER_REQUEST })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SNAPSHOTS_PER_REQUEST)
  @IsUUID('all', { each: true })
  cartIds!: string[];
}

export class SnapshotsEmittedResponse {
  @ApiProperty({ type: [String], description: 'Carts whose CartSnapshot is now in the outbox.' })
  emitted!: string[];

  @ApiProperty({ type: [String], description: 'Carts the write model does not hold.' })
  missing!: string[];
}
