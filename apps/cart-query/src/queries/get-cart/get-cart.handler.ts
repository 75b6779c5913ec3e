import { Inject, Injectable } from '@nestjs/common';
import { inSpan } from '@converge/tracing';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { CartViewRepository } from '../../infrastructure/cart-view.repository';
import { PartitionWatermarks } from '../../infrastructure/partition-watermarks.repository';
import { ReadModelSignals } from '../../infrastructure/read-model-signals';
import type { CartView } from '../../read-model/cart-view';
import { CartViewNotFoundError, ReadModelBehindError } from '../../read-model/cart-view.errors';
import { deadlineIn, untilSignalled } from './until-signalled';

export interface GetCartQuery {
  cartId: string;
  /** The caller, from the access token: a cart someone else owns is, to them, not there. */
  owner: string;
  /** From the caller's session token: answer nothing older than this. */
  minVersion?: number;
  /** Answer nothing that misses a write committed before arrivedAtMs − maxStalenessMs. */
  maxStalenessMs?: number;
  /** When the request arrived (epoch ms): the instant the staleness bound counts back from. */
  arrivedAtMs: number;
}

export interface CartRead {
  view: CartView;
  /** Every write committed before this instant (epoch ms) is in the view; undefined when unknown. */
  consistentAsOfMs?: number;
}

@Injectable()
export class GetCartHandler {
  constructor(
    private readonly views: CartViewRepository,
    private readonly watermarks: PartitionWatermarks,
    private readonly signals: ReadModelSignals,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  async execute(query: GetCartQuery): Promise<CartRead> {
    const deadline = deadlineIn(this.config.sessionWaitMs);
    const partition = await this.watermarks.partitionOf(query.cartId);
    if (query.maxStalenessMs !== undefined) {
      await this.waitForWatermark(query.cartId, partition, query.arrivedAtMs - query.maxStalenessMs, deadline);
    }
    // Read before the view: views only move forward, so the view read after is at least this fresh.
    const consistentAsOfMs = partition === undefined ? undefined : await this.watermarks.find(partition);
    const view =
      query.minVersion === undefined
        ? await this.views.find(query.cartId)
        : await this.waitForVersion(query, query.minVersion, deadline);
    if (!view || view.owner !== query.owner) throw new CartViewNotFoundError(query.cartId, consistentAsOfMs);
    return { view, consistentAsOfMs };
  }

  /** Waits on the consumer's signal, never longer than the bound, and never answers stale. */
  private waitForVersion({ cartId, owner }: GetCartQuery, minVersion: number, deadline: number) {
    const attributes = { 'cart.id': cartId, 'cart.min_version': minVersion };
    return inSpan('session-token wait', { attributes }, async (span) => {
      const { value, reached } = await untilSignalled(
        (timeoutMs) => this.signals.reached(cartId, minVersion, timeoutMs),
        () => this.views.find(cartId),
        // Someone else's cart is answered at once, as absent: waiting would tell its version apart.
        (view) => view !== undefined && (view.version >= minVersion || view.owner !== owner),
        deadline,
      );
      span.setAttribute('cart.version', value?.version ?? -1).setAttribute('session_token.reached', reached);
      if (!reached) throw ReadModelBehindError.version(cartId, minVersion, value?.version);
      return value;
    });
  }

  /** The same wait for the cart's partition's watermark to reach the floor. */
  private waitForWatermark(cartId: string, partition: number | undefined, floorMs: number, deadline: number) {
    const attributes = { 'cart.id': cartId, 'watermark.floor_ms': floorMs };
    return inSpan('max-staleness wait', { attributes }, async () => {
      if (partition === undefined) throw ReadModelBehindError.watermark(cartId, floorMs, undefined);
      const { value, reached } = await untilSignalled(
        (timeoutMs) => this.signals.watermarkReached(partition, floorMs, timeoutMs),
        () => this.watermarks.find(partition),
        (atMs) => atMs !== undefined && atMs >= floorMs,
        deadline,
      );
      if (!reached) throw ReadModelBehindError.watermark(cartId, floorMs, value);
    });
  }
}
