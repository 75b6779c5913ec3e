import { Injectable } from '@nestjs/common';

interface Held {
  token: string;
  version: number;
}

const CARTS_HELD = 1000;

/**
 * The session token of the studio's latest write to each of its carts: what the "with token"
 * read pane sends. Concurrent writes of a burst come back out of order, so the highest version wins.
 */
@Injectable()
export class StudioSessions {
  private readonly held = new Map<string, Held>();

  keep(cartId: string, token: string | null, version: number): void {
    if (!token) return;
    const known = this.held.get(cartId);
    if (known && known.version >= version) return;
    this.held.delete(cartId);
    this.held.set(cartId, { token, version });
    if (this.held.size > CARTS_HELD) this.held.delete(this.held.keys().next().value as string);
  }

  of(cartId: string): Held | undefined {
    return this.held.get(cartId);
  }
}
