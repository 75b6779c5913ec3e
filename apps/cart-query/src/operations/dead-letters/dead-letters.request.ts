import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AppError } from '@converge/platform';
import type { DeadLetterSelection } from '../../infrastructure/dead-letter.store';

/** Which pending dead letters to act on: all of one reason, or these ids. */
export class DeadLetterSelectionRequest {
  @ApiPropertyOptional({ example: 'schema-violation' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  reason?: string;

  @ApiPropertyOptional({ type: [String], example: ['17', '18'], maxItems: 1000 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(/^[1-9]\d{0,17}$/, { each: true })
  ids?: string[];
}

export class InvalidDeadLetterSelectionError extends AppError {
  readonly code = 'DEAD_LETTER_SELECTION_INVALID';
  readonly kind = 'invalid' as const;
  readonly retriable = false;

  constructor() {
    super('name either a reason or ids, not both and not neither');
  }
}

export function selectionOf(request: DeadLetterSelectionRequest): DeadLetterSelection {
  if ((request.reason === undefined) === (request.ids === undefined)) throw new InvalidDeadLetterSelectionError();
  return request.reason !== undefined ? { reason: request.reason } : { ids: request.ids ?? [] };
}
