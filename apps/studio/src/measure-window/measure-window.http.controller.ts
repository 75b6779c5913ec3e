import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MeasureWindow, type WindowMeasurement } from './measure-window';
import { MeasureWindowRequest } from './measure-window.request';

@ApiTags('studio')
@Controller('api/experiments/window')
export class MeasureWindowHttpController {
  constructor(private readonly measure: MeasureWindow) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'How long is the inconsistency window? P(stale read) against time since the write' })
  @ApiOkResponse({ description: 'One curve per delay setting, in the order given.' })
  @ApiConflictResponse({ description: 'EXPERIMENT_RUNNING: one runs at a time.' })
  async run(@Body() body: MeasureWindowRequest): Promise<{ measurements: WindowMeasurement[] }> {
    return { measurements: await this.measure.run(body.settings, body.rounds) };
  }
}
