import { Body, Controller, HttpCode, HttpStatus, Logger, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, OPERATE_SCOPE, type Principal, RequireScope } from '@converge/access-token';
import { EmitSnapshotsHandler } from './emit-snapshots.handler';
import { EmitSnapshotsRequest, SnapshotsEmittedResponse } from './emit-snapshots.request';

/**
 * How a read model repairs itself without reading this service's database: it names the carts it
 * doubts, and their whole state comes to it through the outbox, ordered with their events.
 */
@ApiTags('operations')
@Controller('operations/snapshots')
@RequireScope(OPERATE_SCOPE)
export class EmitSnapshotsHttpController {
  private readonly logger = new Logger('Snapshots');

  constructor(private readonly handler: EmitSnapshotsHandler) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Emit a CartSnapshot of each cart named, behind its earlier events' })
  @ApiOkResponse({ type: SnapshotsEmittedResponse })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  async emit(@Body() body: EmitSnapshotsRequest, @Caller() caller: Principal): Promise<SnapshotsEmittedResponse> {
    const cartIds = [...new Set(body.cartIds.map((id) => id.toLowerCase()))];
    const result = await this.handler.execute({ cartIds });
    this.logger.log(
      `${result.emitted.length} snapshot(s) emitted for ${caller.owner}, ${result.missing.length} missing`,
    );
    return result;
  }
}
