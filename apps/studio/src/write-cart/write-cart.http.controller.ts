import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ParseUuidPipe } from '@converge/platform';
import { type BurstResult, type Relayed, StudioCarts } from '../carts/studio-carts';
import { AddItemRequest, BurstRequest, SetQuantityRequest } from './write-cart.request';

const CartId = new ParseUuidPipe('cartId', 'INVALID_CART_ID');

/** The page's write controls: each one a real call to Cart, answered as Cart answered it. */
@ApiTags('studio')
@Controller('api/carts')
export class WriteCartHttpController {
  constructor(private readonly carts: StudioCarts) {}

  @Post()
  create(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.carts.create().then((answer) => relay(reply, answer));
  }

  @Post(':cartId/items')
  add(
    @Param('cartId', CartId) cartId: string,
    @Body() body: AddItemRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.carts
      .change(cartId, { kind: 'add', sku: body.sku, quantity: body.quantity })
      .then((a) => relay(reply, a));
  }

  @Patch(':cartId/items/:sku')
  set(
    @Param('cartId', CartId) cartId: string,
    @Param('sku') sku: string,
    @Body() body: SetQuantityRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.carts.change(cartId, { kind: 'set', sku, quantity: body.quantity }).then((a) => relay(reply, a));
  }

  @Delete(':cartId/items/:sku')
  remove(
    @Param('cartId', CartId) cartId: string,
    @Param('sku') sku: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.carts.change(cartId, { kind: 'remove', sku }).then((a) => relay(reply, a));
  }

  @Delete(':cartId/items')
  clear(@Param('cartId', CartId) cartId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.carts.change(cartId, { kind: 'clear' }).then((a) => relay(reply, a));
  }

  @Post(':cartId/burst')
  @HttpCode(HttpStatus.OK)
  burst(@Param('cartId', CartId) cartId: string, @Body() body: BurstRequest): Promise<BurstResult> {
    return this.carts.burst(cartId, body.count);
  }
}

/** Cart's status and body, with how long Cart took. */
function relay(reply: FastifyReply, answer: Relayed): unknown {
  void reply.status(answer.status).header('X-Upstream-Took-Ms', String(answer.tookMs));
  return answer.body;
}
