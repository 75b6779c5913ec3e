import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { entityTag } from '@converge/platform';
import { RequestSession, SESSION_TOKEN_HEADER, type SessionToken, SessionTokenCodec } from '@converge/session-token';
import { ParseCartIdPipe } from '../../http/cart-id.pipe';
import { CartViewResponse } from '../../http/cart-view.response';
import type { CartView } from '../../read-model/cart-view';
import { GetCartHandler } from './get-cart.handler';

/** What a reader sees: the cart as Cart answers it; the owner is who asks, so it is not repeated. */
type CartViewBody = Omit<CartView, 'owner'>;

@ApiTags('carts')
@Controller('carts')
export class GetCartHttpController {
  constructor(
    private readonly handler: GetCartHandler,
    private readonly codec: SessionTokenCodec,
  ) {}

  @Get(':cartId')
  @ApiHeader({
    name: SESSION_TOKEN_HEADER,
    required: false,
    description: 'From an earlier write or read: read your writes.',
  })
  @ApiOkResponse({ type: CartViewResponse, description: 'With an X-Session-Token covering the version returned.' })
  @ApiResponse({ status: 404, description: 'The read model does not know the cart (yet), or another caller owns it.' })
  @ApiResponse({ status: 401, description: 'ACCESS_TOKEN_MISSING, ACCESS_TOKEN_INVALID or ACCESS_TOKEN_EXPIRED.' })
  @ApiResponse({ status: 503, description: 'The read model has not reached the session token within the wait bound.' })
  async getCart(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @RequestSession() token: SessionToken,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CartViewBody> {
    const view = await this.handler.execute({ cartId, owner: caller.owner, minVersion: token.minVersion(cartId) });
    void reply
      .header(SESSION_TOKEN_HEADER, this.codec.encode(token.require(view.id, view.version)))
      .header('ETag', entityTag(view.version));
    return { id: view.id, version: view.version, items: view.items, updatedAt: view.updatedAt };
  }
}
