import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Logger, Put } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, OPERATE_SCOPE, type Principal, RequireScope } from '@converge/access-token';
import { EVENT_BROKER, type EventBroker } from '@converge/kafka';
import { ConsumptionResponse, SetConsumptionRequest } from './set-consumption.request';

/**
 * Pausing consumption lets an operator hold the read model still (a migration, a replay, a
 * drill) without leaving the consumer group: the backlog waits in Kafka, reads keep being
 * served, and reads with a session token answer 503 until consumption resumes and catches up.
 */
@ApiTags('operations')
@Controller('operations/consumption')
@RequireScope(OPERATE_SCOPE)
export class SetConsumptionHttpController {
  private readonly logger = new Logger('Consumption');

  constructor(@Inject(EVENT_BROKER) private readonly broker: EventBroker) {}

  @Get()
  @ApiOperation({ summary: "Whether this instance's consumer is paused" })
  @ApiOkResponse({ type: ConsumptionResponse })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  state(): ConsumptionResponse {
    return { paused: this.broker.consumptionPaused };
  }

  @Put()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Pause or resume this instance's consumer; idempotent" })
  @ApiOkResponse({ type: ConsumptionResponse })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  set(@Body() body: SetConsumptionRequest, @Caller() caller: Principal): ConsumptionResponse {
    if (body.paused) this.broker.pauseConsumption();
    else this.broker.resumeConsumption();
    this.logger.warn(`consumption ${body.paused ? 'paused' : 'resumed'} by ${caller.owner}`);
    return { paused: this.broker.consumptionPaused };
  }
}
