import { Body, Controller, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiParam, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { RequestSession, type SessionToken } from '@converge/session-token';
import { ApiCartChange } from '../../http/api-cart-write';
import { CartReply } from '../../http/cart-reply';
import { CartWrite } from '../../http/cart-write';
import { IdempotencyKey, type RequestKey } from '../../idempotency/request-key';
import { ParseCartIdPipe } from '../../http/cart-id.pipe';
import { CartResponse } from '../../http/cart.response';
import { ErrorResponse } from '../../http/error.response';
import { IfMatch, Traceparent } from '../../http/request-headers';
import { AddItemHandler } from './add-item.handler';
import { AddItemRequest } from './add-item.request';

@ApiTags('carts')
@Controller('carts')
export class AddItemHttpController {
  constructor(
    private readonly handler: AddItemHandler,
    private readonly reply: CartReply,
  ) {}

  @CartWrite()
  @Post(':cartId/items')
  @HttpCode(HttpStatus.OK)
  @ApiCartChange('Add a quantity to a line, creating the line when absent')
  @ApiParam({ name: 'cartId', format: 'uuid' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'LINE_QUANTITY_LIMIT or CART_LINE_LIMIT.' })
  async addItem(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @Body() body: AddItemRequest,
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
      sku: body.sku,
      quantity: body.quantity,
      expectedVersion,
      traceparent,
      idempotency: this.reply.keyedChange(key, session),
    });
    return this.reply.written(response, session, cart);
  }
}
