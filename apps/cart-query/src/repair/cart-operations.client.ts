import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenIssuer, OPERATE_SCOPE } from '@converge/access-token';
import { type DigestSource, HttpDigestSource } from '@converge/anti-entropy';
import { cartQueryConfig, type CartQueryConfig } from '../cart-query.config';

/** Cart's answer to POST /operations/snapshots, at most this many ids a call. */
export const SNAPSHOTS_PER_REQUEST = 400;
const TOKEN_TTL_SECONDS = 300;

interface SnapshotsEmitted {
  emitted: string[];
  missing: string[];
}

/**
 * Cart's operator interface as Cart-Query uses it, service to service over HTTP. Its access
 * token is signed here with the shared AUTH_JWT_SECRET for a few minutes, as `cart-query`, or is
 * REPAIR_ACCESS_TOKEN when the service holds only public keys.
 */
@Injectable()
export class CartOperationsClient {
  readonly digests: DigestSource;
  private readonly issuer?: AccessTokenIssuer;
  private token?: { value: string; renewAt: number };

  constructor(@Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig) {
    const { credentials } = config.repair;
    if (credentials.kind === 'signing-key')
      this.issuer = new AccessTokenIssuer(credentials.secret, config.accessTokens);
    this.digests = new HttpDigestSource(config.repair.cartUrl, () => this.authorization());
  }

  /** Asks Cart to emit each cart's snapshot through its outbox; at most SNAPSHOTS_PER_REQUEST ids. */
  async emitSnapshots(cartIds: readonly string[]): Promise<SnapshotsEmitted> {
    const response = await fetch(`${this.config.repair.cartUrl}/operations/snapshots`, {
      method: 'POST',
      headers: { Authorization: this.authorization(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ cartIds }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`POST /operations/snapshots answered ${response.status}`);
    return (await response.json()) as SnapshotsEmitted;
  }

  private authorization(): string {
    if (!this.issuer) return `Bearer ${(this.config.repair.credentials as { token: string }).token}`;
    if (!this.token || Date.now() >= this.token.renewAt) {
      const value = this.issuer.issue('cart-query', TOKEN_TTL_SECONDS, [OPERATE_SCOPE]);
      this.token = { value, renewAt: Date.now() + (TOKEN_TTL_SECONDS / 2) * 1000 };
    }
    return `Bearer ${this.token.value}`;
  }
}
