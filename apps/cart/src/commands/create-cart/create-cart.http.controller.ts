import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, type Principal } from '@converge/access-token';
import { RequestSession, type SessionToken } from '@converge/session-token';
import { ApiCartWrite } from '../../http/api-cart-write';
import { CartReply } from '../../http/cart-reply';
import { CartWrite } from '../../http/cart-write';
import { IdempotencyKey, type RequestKey } from '../../idempotency/request-key';
import { CartResponse } from '../../http/cart.response';
import { NoBodyPipe } from '../../http/no-body.pipe';
import { Traceparent } from '../../http/request-headers';
import { CreateCartHandler } from './create-cart.handler';

@ApiTags('carts')
@Controller('carts')
export class CreateCartHttpController {
  constructor(
    private readonly handler: CreateCartHandler,
    private readonly reply: CartReply,
  ) {}

  @CartWrite()
  @Post()
  @ApiCartWrite('Create an empty cart at version 0', HttpStatus.CREATED)
  async create(
    @Body(NoBodyPipe) _body: unknown,
    @RequestSession() session: SessionToken,
    @Traceparent() traceparent: string | undefined,
    @Caller() caller: Principal,
    @IdempotencyKey() key: RequestKey | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CartResponse> {
    const idempotency = this.reply.keyedCreate(key, session);
    const cart = await this.handler.execute({ owner: caller.owner, traceparent, idempotency });
    return this.reply.created(response, session, cart);
  }
}
