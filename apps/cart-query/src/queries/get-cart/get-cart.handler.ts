import { Inject, Injectable } from '@nestjs/common';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { CartViewRepository } from '../../infrastructure/cart-view.repository';
import { ReadModelSignals } from '../../infrastructure/read-model-signals';
import type { CartView } from '../../read-model/cart-view';
import { CartViewNotFoundError, ReadModelBehindError } from '../../read-model/cart-view.errors';

export interface GetCartQuery {
  cartId: string;
  /** The caller, from the access token: a cart someone else owns is, to them, not there. */
  owner: string;
  /** From the caller's session token: answer nothing older than this. */
  minVersion?: number;
}

@Injectable()
export class GetCartHandler {
  constructor(
    private readonly views: CartViewRepository,
    private readonly signals: ReadModelSignals,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  async execute(query: GetCartQuery): Promise<CartView> {
    const view =
      query.minVersion === undefined
        ? await this.views.find(query.cartId)
        : await this.waitForVersion(query, query.minVersion);
    if (!view || view.owner !== query.owner) throw new CartViewNotFoundError(query.cartId);
    return view;
  }

  /** Waits on the consumer's signal, never longer than the bound, and never answers stale. */
  private async waitForVersion({ cartId, owner }: GetCartQuery, minVersion: number): Promise<CartView> {
    const deadline = Date.now() + this.config.sessionWaitMs;
    for (;;) {
      const change = this.signals.reached(cartId, minVersion, deadline - Date.now());
      try {
        const view = await this.views.find(cartId);
        // Someone else's cart is answered at once, as absent: waiting would tell its version apart.
        if (view && (view.version >= minVersion || view.owner !== owner)) return view;
        if (!(await change.done)) {
          const last = await this.views.find(cartId);
          if (last && (last.version >= minVersion || last.owner !== owner)) return last;
          throw new ReadModelBehindError(cartId, minVersion, last?.version);
        }
      } finally {
        change.cancel();
      }
    }
  }
}
