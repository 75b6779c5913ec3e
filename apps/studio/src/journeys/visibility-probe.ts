import { Injectable } from '@nestjs/common';
import { ServiceEndpoints } from '../services/service-endpoints';
import { StudioIdentity } from '../identity/studio-identity';
import { JourneyBoard } from './journey-board';

/** Reads in flight at most: a burst must not turn the studio into the read side's heaviest client. */
const CONCURRENT_READS = 4;

/**
 * Reads a cart without a session token, as its owner, right after the read model said it
 * applied a version: when that answer shows the version is when a plain reader could first see
 * it. Reads of one cart are coalesced, so a burst on one cart costs a few reads, not one each.
 */
@Injectable()
export class VisibilityProbe {
  private readonly waiting = new Set<string>();
  private readonly reading = new Set<string>();
  private next = 0;

  constructor(
    private readonly endpoints: ServiceEndpoints,
    private readonly identity: StudioIdentity,
    private readonly board: JourneyBoard,
  ) {}

  schedule(cartIds: Iterable<string>): void {
    for (const cartId of cartIds) this.waiting.add(cartId);
    this.pump();
  }

  private pump(): void {
    for (const cartId of this.waiting) {
      if (this.reading.size >= CONCURRENT_READS) return;
      if (this.reading.has(cartId)) continue;
      this.waiting.delete(cartId);
      this.reading.add(cartId);
      void this.read(cartId).finally(() => {
        this.reading.delete(cartId);
        this.pump();
      });
    }
  }

  private async read(cartId: string): Promise<void> {
    const owner = this.board.ownerOf(cartId) ?? this.identity.owner;
    const authorization = this.identity.authorizationOf(owner);
    if (!authorization) return;
    const urls = this.endpoints.queryUrls;
    const url = urls[this.next++ % urls.length];
    try {
      const answer = await this.endpoints.call<{ version: number }>(`${url}/carts/${cartId}`, { authorization });
      if (answer.status === 200) this.board.visible(cartId, answer.body.version, answer.at);
    } catch {
      // Unanswered: the next apply of this cart asks again.
    }
  }
}
