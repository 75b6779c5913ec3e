import { Controller, Get, Param, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { ApiUnauthenticated, ETAG_HEADER } from '../../http/api-cart-write';
import { CartReply } from '../../http/cart-reply';
import { ParseCartIdPipe } from '../../http/cart-id.pipe';
import { CartResponse } from '../../http/cart.response';
import { ErrorResponse } from '../../http/error.response';
import { GetCartHandler } from './get-cart.handler';

@ApiTags('carts')
@Controller('carts')
export class GetCartHttpController {
  constructor(
    private readonly handler: GetCartHandler,
    private readonly reply: CartReply,
  ) {}

  @Get(':cartId')
  @ApiOperation({ summary: 'Read a cart from the write model' })
  @ApiParam({ name: 'cartId', format: 'uuid' })
  @ApiOkResponse({ type: CartResponse, headers: { ETag: ETAG_HEADER } })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'INVALID_CART_ID.' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'CART_NOT_FOUND: no such cart, or another caller owns it.' })
  @ApiUnauthenticated()
  async getCart(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CartResponse> {
    const cart = await this.handler.execute({ cartId, owner: caller.owner });
    return this.reply.read(response, cart);
  }
}
