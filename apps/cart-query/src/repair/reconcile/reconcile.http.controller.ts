import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OPERATE_SCOPE, RequireScope } from '@converge/access-token';
import { Reconciler } from './reconciler';

export class ReconcileResponse {
  @ApiProperty({ description: 'Carts the write model holds: what the pass compared, by digest tree.' })
  carts!: number;

  @ApiProperty({ description: 'Carts that differed twice, in a way propagation does not explain.' })
  divergent!: number;

  @ApiProperty({ description: 'Snapshots requested from Cart, plus views of unknown carts removed.' })
  repaired!: number;
}

@ApiTags('operations')
@Controller('operations/reconcile')
@RequireScope(OPERATE_SCOPE)
export class ReconcileHttpController {
  constructor(private readonly reconciler: Reconciler) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Run one anti-entropy pass against Cart to completion, repairs requested' })
  @ApiOkResponse({ type: ReconcileResponse })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  async reconcile(): Promise<ReconcileResponse> {
    const { carts, divergent, repaired } = await this.reconciler.pass();
    return { carts, divergent, repaired };
  }
}
