import { decode } from 'jsonwebtoken';
import { AccessTokenIssuer, OPERATE_SCOPE } from '@converge/access-token';
import type { StudioCredentials } from '../studio.config';

/** Whom the studio writes as when it signs its own tokens (development). */
export const STUDIO_OWNER = 'studio';
const TOKEN_TTL_SECONDS = 3600;
const RENEW_BEFORE_MS = 60_000;

/**
 * Who the studio is to the services: one caller with the operate scope, writing its own carts.
 * With the development key it may also read any cart as its owner, to see when a change becomes
 * visible; with a given token it sees that only for its own carts.
 */
export class StudioIdentity {
  readonly owner: string;
  private readonly issuer?: AccessTokenIssuer;
  private readonly signed = new Map<string, { header: string; renewAt: number }>();

  constructor(private readonly credentials: StudioCredentials) {
    if (credentials.kind === 'signing-key') {
      this.issuer = new AccessTokenIssuer(credentials.secret, credentials.policy);
      this.owner = STUDIO_OWNER;
    } else {
      const claims = decode(credentials.token, { json: true });
      if (typeof claims?.sub !== 'string') throw new Error('STUDIO_ACCESS_TOKEN has no subject (sub)');
      this.owner = claims.sub;
    }
  }

  /** For the studio's own carts and for operations. */
  authorization(): string {
    if (this.credentials.kind === 'token') return `Bearer ${this.credentials.token}`;
    return this.sign(this.owner, [OPERATE_SCOPE]);
  }

  /** For reading someone's cart as them; undefined when the studio cannot. */
  authorizationOf(owner: string): string | undefined {
    if (owner === this.owner) return this.authorization();
    return this.issuer ? this.sign(owner, []) : undefined;
  }

  private sign(owner: string, scopes: string[]): string {
    const cached = this.signed.get(owner);
    if (cached && cached.renewAt > Date.now()) return cached.header;
    const header = `Bearer ${this.issuer!.issue(owner, TOKEN_TTL_SECONDS, scopes)}`;
    if (this.signed.size > 1000) this.signed.clear();
    this.signed.set(owner, { header, renewAt: Date.now() + TOKEN_TTL_SECONDS * 1000 - RENEW_BEFORE_MS });
    return header;
  }
}
