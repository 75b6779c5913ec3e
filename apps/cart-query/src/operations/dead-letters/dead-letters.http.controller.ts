import { Body, Controller, Get, HttpCode, HttpStatus, Logger, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, OPERATE_SCOPE, type Principal, RequireScope } from '@converge/access-token';
import { DeadLetterStore } from '../../infrastructure/dead-letter.store';
import { DeadLetterSelectionRequest, selectionOf } from './dead-letters.request';
import { RedriveDeadLettersHandler, type RedriveResult } from './redrive-dead-letters.handler';

const SAMPLES_PER_REASON = 3;

/** Dead letters, for an operator: inspect them by reason, send them again, or discard them on record. */
@ApiTags('operations')
@Controller('operations/dead-letters')
@RequireScope(OPERATE_SCOPE)
@ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
export class DeadLettersHttpController {
  private readonly logger = new Logger('DeadLetters');

  constructor(
    private readonly store: DeadLetterStore,
    private readonly redriveHandler: RedriveDeadLettersHandler,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Pending dead letters by reason: how many, and a few of each' })
  @ApiOkResponse({ description: '{pending, reasons: [{reason, count, samples}]}' })
  async list() {
    const reasons = await this.store.byReason(SAMPLES_PER_REASON);
    return {
      pending: reasons.reduce((sum, group) => sum + group.count, 0),
      reasons: reasons.map(({ reason, count, samples }) => ({
        reason,
        count,
        samples: samples.map((letter) => ({
          id: letter.id,
          topic: letter.topic,
          partition: letter.partition,
          offset: letter.offset,
          key: letter.key.slice(0, 100),
          detail: letter.detail,
          bytes: letter.value.length,
          redriveCount: letter.redriveCount,
          deadLetteredAt: letter.deadLetteredAt,
        })),
      })),
    };
  }

  @Post('redrive')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Send pending dead letters (by reason or ids) again to their topic, up to the limit' })
  redrive(@Body() body: DeadLetterSelectionRequest, @Caller() caller: Principal): Promise<RedriveResult> {
    return this.redriveHandler.execute(selectionOf(body), caller.owner);
  }

  @Post('discard')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Discard pending dead letters (by reason or ids), recording who did' })
  async discard(
    @Body() body: DeadLetterSelectionRequest,
    @Caller() caller: Principal,
  ): Promise<{ discarded: string[] }> {
    const letters = await this.store.pending(selectionOf(body));
    const discarded = await this.store.settle(
      letters.map((letter) => letter.id),
      'discarded',
      caller.owner,
    );
    this.logger.warn(`${discarded.length} dead letter(s) discarded by ${caller.owner}`);
    return { discarded };
  }
}
