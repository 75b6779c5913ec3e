import { Controller, Delete, Param, Res } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { SKU_PATTERN } from '@converge/contracts';
import { RequestSession, type SessionToken } from '@converge/session-token';
import { ApiCartChange } from '../../http/api-cart-write';
import { CartReply } from '../../http/cart-reply';
import { CartWrite } from '../../http/cart-write';
import { IdempotencyKey, type RequestKey } from '../../idempotency/request-key';
import { ParseCartIdPipe } from '../../http/cart-id.pipe';
import { CartResponse } from '../../http/cart.response';
import { IfMatch, Traceparent } from '../../http/request-headers';
import { ParseSkuPipe } from '../../http/sku.pipe';
import { RemoveItemHandler } from './remove-item.handler';

@ApiTags('carts')
@Controller('carts')
export class RemoveItemHttpController {
  constructor(
    private readonly handler: RemoveItemHandler,
    private readonly reply: CartReply,
  ) {}

  @CartWrite()
  @Delete(':cartId/items/:sku')
  @ApiCartChange('Remove a line (404 LINE_NOT_FOUND if absent)')
  @ApiParam({ name: 'cartId', format: 'uuid' })
  @ApiParam({ name: 'sku', schema: { type: 'string', pattern: SKU_PATTERN.source } })
  async removeItem(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @Param('sku', ParseSkuPipe) sku: string,
    @IfMatch() expectedVersion: number | undefined,
    @RequestSession() session: SessionToken,
    @Traceparent() traceparent: string | undefined,
    @Caller() caller: Principal,
    @IdempotencyKey() key: RequestKey | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CartResponse> {
    const cart = await this.handler.execute({
      cartId,
      owner: caller.owner,
      sku,
      expectedVersion,
      traceparent,
      idempotency: this.reply.keyedChange(key, session),
    });
    return this.reply.written(response, session, cart);
  }
}
