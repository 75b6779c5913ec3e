import { Injectable } from '@nestjs/common';
import { ServiceEndpoints, type ServiceAnswer } from '../services/service-endpoints';
import { JourneyBoard } from '../journeys/journey-board';
import { StudioSessions } from './studio-sessions';

export interface CartBody {
  id: string;
  version: number;
  items: Array<{ sku: string; quantity: number }>;
  updatedAt: string;
}

/** What the studio passes back of a service's answer: its status, body and timing. */
export interface Relayed<T = unknown> {
  status: number;
  body: T;
  tookMs: number;
}

export type CartChange =
  | { kind: 'add'; sku: string; quantity: number }
  | { kind: 'set'; sku: string; quantity: number }
  | { kind: 'remove'; sku: string }
  | { kind: 'clear' };

export interface BurstResult {
  requested: number;
  acknowledged: number;
  refused: number;
  tookMs: number;
  lastVersion?: number;
}

const BURST_CONCURRENCY = 8;
const BURST_SKUS = ['apple', 'pear', 'plum', 'fig', 'kiwi'];

/**
 * The studio's own carts, written through Cart's REST API as any client would: every
 * acknowledged write moves the cart's write-model version on the board and keeps its token.
 */
@Injectable()
export class StudioCarts {
  constructor(
    private readonly endpoints: ServiceEndpoints,
    private readonly sessions: StudioSessions,
    private readonly board: JourneyBoard,
  ) {}

  async create(): Promise<Relayed> {
    return this.relay(await this.endpoints.call<CartBody>(`${this.endpoints.cartUrl}/carts`, { method: 'POST' }));
  }

  async change(cartId: string, change: CartChange): Promise<Relayed> {
    const items = `${this.endpoints.cartUrl}/carts/${cartId}/items`;
    const sku = 'sku' in change ? `${items}/${encodeURIComponent(change.sku)}` : items;
    const answer = await (() => {
      switch (change.kind) {
        case 'add':
          return this.endpoints.call<CartBody>(items, {
            method: 'POST',
            body: { sku: change.sku, quantity: change.quantity },
          });
        case 'set':
          return this.endpoints.call<CartBody>(sku, { method: 'PATCH', body: { quantity: change.quantity } });
        case 'remove':
          return this.endpoints.call<CartBody>(sku, { method: 'DELETE' });
        case 'clear':
          return this.endpoints.call<CartBody>(items, { method: 'DELETE' });
      }
    })();
    return this.relay(answer);
  }

  /** `count` add-item writes on one cart, a few at a time, as fast as Cart acknowledges them. */
  async burst(cartId: string, count: number): Promise<BurstResult> {
    const started = Date.now();
    let next = 0;
    const outcomes: Array<number | undefined> = [];
    const worker = async () => {
      while (next < count) {
        const sku = BURST_SKUS[next++ % BURST_SKUS.length];
        const answer = await this.change(cartId, { kind: 'add', sku, quantity: 1 }).catch(() => undefined);
        outcomes.push(answer?.status === 200 ? (answer.body as CartBody).version : undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BURST_CONCURRENCY, count) }, worker));
    const versions = outcomes.filter((v): v is number => v !== undefined);
    return {
      requested: count,
      acknowledged: versions.length,
      refused: count - versions.length,
      tookMs: Date.now() - started,
      lastVersion: versions.length > 0 ? Math.max(...versions) : undefined,
    };
  }

  private relay(answer: ServiceAnswer<CartBody>): Relayed {
    if (answer.status === 200 || answer.status === 201) {
      this.sessions.keep(answer.body.id, answer.headers.get('x-session-token'), answer.body.version);
      this.board.written(answer.body.id, answer.body.version, answer.at);
    }
    return { status: answer.status, body: answer.body, tookMs: answer.tookMs };
  }
}
