import { Body, Controller, Delete, Param, Res } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { RequestSession, type SessionToken } from '@converge/session-token';
import { ApiCartChange } from '../../http/api-cart-write';
import { ParseCartIdPipe } from '../../http/cart-id.pipe';
import { CartReply } from '../../http/cart-reply';
import { CartWrite } from '../../http/cart-write';
import { IdempotencyKey, type RequestKey } from '../../idempotency/request-key';
import { CartResponse } from '../../http/cart.response';
import { NoBodyPipe } from '../../http/no-body.pipe';
import { IfMatch, Traceparent } from '../../http/request-headers';
import { ClearCartHandler } from './clear-cart.handler';

@ApiTags('carts')
@Controller('carts')
export class ClearCartHttpController {
  constructor(
    private readonly handler: ClearCartHandler,
    private readonly reply: CartReply,
  ) {}

  @CartWrite()
  @Delete(':cartId/items')
  @ApiCartChange('Remove every line in one change; an empty cart is answered unchanged, with no new version')
  @ApiParam({ name: 'cartId', format: 'uuid' })
  async clearCart(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @Body(NoBodyPipe) _body: unknown,
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
      expectedVersion,
      traceparent,
      idempotency: this.reply.keyedChange(key, session),
    });
    return this.reply.written(response, session, cart);
  }
}
