import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { entityTag } from '@converge/platform';
import { RequestSession, SESSION_TOKEN_HEADER, type SessionToken, SessionTokenCodec } from '@converge/session-token';
import { ParseCartIdPipe } from '../../http/cart-id.pipe';
import { CartViewResponse } from '../../http/cart-view.response';
import { CONSISTENT_AS_OF_HEADER, setConsistencyHeaders, STALENESS_HEADER } from '../../http/consistency-headers';
import { MAX_STALENESS_HEADER, MaxStaleness } from '../../http/max-staleness';
import type { CartView } from '../../read-model/cart-view';
import { CartViewNotFoundError } from '../../read-model/cart-view.errors';
import { type CartRead, GetCartHandler, type GetCartQuery } from './get-cart.handler';

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
  @ApiHeader({
    name: MAX_STALENESS_HEADER,
    required: false,
    description:
      'Milliseconds: answer only with every write committed before (arrival − this); 0 = before this request. ' +
      'Not a whole number from 0 to 3600000: 400 INVALID_MAX_STALENESS.',
  })
  @ApiOkResponse({
    type: CartViewResponse,
    description:
      `With an X-Session-Token covering the version returned, and ${CONSISTENT_AS_OF_HEADER} (RFC 3339: every ` +
      `write committed before it is in the answer) and ${STALENESS_HEADER} (now minus that), once the cart's ` +
      'partition has a watermark.',
  })
  @ApiResponse({ status: 404, description: 'The read model does not know the cart (yet), or another caller owns it.' })
  @ApiResponse({ status: 401, description: 'ACCESS_TOKEN_MISSING, ACCESS_TOKEN_INVALID or ACCESS_TOKEN_EXPIRED.' })
  @ApiResponse({
    status: 503,
    description: 'READ_MODEL_BEHIND: the session token or the staleness bound not reached within the wait bound.',
  })
  async getCart(
    @Param('cartId', ParseCartIdPipe) cartId: string,
    @RequestSession() token: SessionToken,
    @Caller() caller: Principal,
    @MaxStaleness() maxStalenessMs: number | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CartViewBody> {
    const { view, consistentAsOfMs } = await this.read(reply, {
      cartId,
      owner: caller.owner,
      minVersion: token.minVersion(cartId),
      maxStalenessMs,
      arrivedAtMs: Date.now(),
    });
    setConsistencyHeaders(reply, consistentAsOfMs);
    void reply
      .header(SESSION_TOKEN_HEADER, this.codec.encode(token.require(view.id, view.version)))
      .header('ETag', entityTag(view.version));
    return { id: view.id, version: view.version, items: view.items, updatedAt: view.updatedAt };
  }

  /** A 404 says how fresh its absence is too. */
  private async read(reply: FastifyReply, query: GetCartQuery): Promise<CartRead> {
    try {
      return await this.handler.execute(query);
    } catch (error) {
      if (error instanceof CartViewNotFoundError) setConsistencyHeaders(reply, error.consistentAsOfMs);
      throw error;
    }
  }
}
