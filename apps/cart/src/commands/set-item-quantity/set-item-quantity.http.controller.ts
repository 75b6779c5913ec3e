import { Body, Controller, Param, Patch, Res } from '@nestjs/common';
import { ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
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
import { ErrorResponse } from '../../http/error.response';
import { IfMatch, Traceparent } from '../../http/request-headers';
import { ParseSkuPipe } from '../../http/sku.pipe';
import { SetItemQuantityHandler } from './set-item-quantity.handler';
import { SetItemQuantityRequest } from './set-item-quantity.request';

@ApiTags('carts')
@Controller('carts')
export class SetItemQuantityHttpController {
  constructor(
    private readonly handler: SetItemQuantityHandler,
    private readonly reply: CartReply,
  ) {}

  @CartWrite()
  @Patch(':cartId/items/:sku')
  @ApiCartChange(
    'Set a line’s quantity: 0 removes the line (404 LINE_NOT_FOUND if absent); a positive quantity creates an absent line',
  )
  @ApiParam({ name: 'cartId', format: 'uuid' })
  @ApiParam({ name: 'sku', schema: { type: 'string', pattern: SKU_PATTERN.source } })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'CART_LINE_LIMIT when creating a line.' })
  async setItemQuantity(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @Param('sku', ParseSkuPipe) sku: string,
    @Body() body: SetItemQuantityRequest,
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
      quantity: body.quantity,
      expectedVersion,
      traceparent,
      idempotency: this.reply.keyedChange(key, session),
    });
    return this.reply.written(response, session, cart);
  }
}
