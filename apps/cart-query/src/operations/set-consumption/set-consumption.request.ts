import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SetConsumptionRequest {
  @ApiProperty({ example: true, description: 'true stops consuming cart events; false resumes.' })
  @IsBoolean()
  paused!: boolean;
}

export class ConsumptionResponse {
  @ApiProperty({ description: 'Whether this instance has stopped consuming cart events.' })
  paused!: boolean;
}
