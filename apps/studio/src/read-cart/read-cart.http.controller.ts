import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ParseUuidPipe } from '@converge/platform';
import { type PaneRead, ReadCart } from './read-cart';
import { ReadPaneQuery } from './read-cart.request';

const CartId = new ParseUuidPipe('cartId', 'INVALID_CART_ID');

@ApiTags('studio')
@Controller('api/carts')
export class ReadCartHttpController {
  constructor(private readonly reads: ReadCart) {}

  /** One pane's read: Cart-Query, with or without the studio's session token. */
  @Get(':cartId/read')
  read(@Param('cartId', CartId) cartId: string, @Query() query: ReadPaneQuery): Promise<PaneRead> {
    return this.reads.fromReadModel(cartId, query.token === 'true', query.instance ?? 0);
  }

  /** "Read latest": the write model and the read model, asked at the same moment. */
  @Get(':cartId/latest')
  async latest(@Param('cartId', CartId) cartId: string): Promise<{ write: PaneRead; read: PaneRead }> {
    const [write, read] = await Promise.all([
      this.reads.fromWriteModel(cartId),
      this.reads.fromReadModel(cartId, false),
    ]);
    return { write, read };
  }
}
