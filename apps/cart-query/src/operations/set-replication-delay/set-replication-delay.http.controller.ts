import { Body, Controller, Get, HttpCode, HttpStatus, Logger, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, OPERATE_SCOPE, type Principal, RequireScope } from '@converge/access-token';
import { AppError } from '@converge/platform';
import { ReplicationDelay } from './replication-delay';
import { ReplicationDelayResponse, SetReplicationDelayRequest } from './set-replication-delay.request';

export class ReplicationDelayRangeError extends AppError {
  readonly code = 'REPLICATION_DELAY_RANGE_INVALID';
  readonly kind = 'invalid' as const;
  readonly retriable = false;
}

@ApiTags('operations')
@Controller('operations/replication-delay')
@RequireScope(OPERATE_SCOPE)
export class SetReplicationDelayHttpController {
  private readonly logger = new Logger('ReplicationDelay');

  constructor(private readonly delay: ReplicationDelay) {}

  @Get()
  @ApiOperation({ summary: 'The wait this instance injects before applying each batch (an experiment)' })
  @ApiOkResponse({ type: ReplicationDelayResponse })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  get(): ReplicationDelayResponse {
    return this.delay.current;
  }

  @Put()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Inject a random wait before each batch is applied, to study the inconsistency window' })
  @ApiOkResponse({ type: ReplicationDelayResponse })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED, or REPLICATION_DELAY_RANGE_INVALID when minMs > maxMs.' })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  set(@Body() body: SetReplicationDelayRequest, @Caller() caller: Principal): ReplicationDelayResponse {
    if (body.minMs > body.maxMs) {
      throw new ReplicationDelayRangeError(`minMs ${body.minMs} is above maxMs ${body.maxMs}`);
    }
    const setting = this.delay.set({ minMs: body.minMs, maxMs: body.maxMs });
    this.logger.warn(`replication delay set to ${setting.minMs}–${setting.maxMs} ms by ${caller.owner}`);
    return setting;
  }
}
