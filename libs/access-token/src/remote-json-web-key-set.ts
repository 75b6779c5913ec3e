import { type AccessTokenKeys, readJsonWebKeySet, type VerificationKey } from './access-token.keys';

/** An identity provider publishes a new key before it signs with it; a minute bounds the fetches a stranger's kid can cause. */
export const DEFAULT_JWKS_REFRESH_INTERVAL_MS = 60_000;
const FETCH_TIMEOUT_MS = 5000;
const MAX_JWKS_BYTES = 256 * 1024;

export interface RemoteJsonWebKeySetOptions {
  /** Fetches at most once per this interval, however many unknown kids arrive. */
  minRefreshIntervalMs?: number;
  onRefreshFailed?: (reason: string) => void;
}

/**
 * A JWKS fetched from its URL, kept, and fetched again when a token names a kid it lacks (a key
 * rotated in), at most once per interval and one fetch at a time. A failed fetch keeps the keys
 * already known, so an unreachable provider stops no token signed with one of them; a token
 * naming another key is then answered as unavailable (503), not as invalid.
 */
export class RemoteJsonWebKeySet implements AccessTokenKeys {
  /** How many fetches were made: the tests hold the rate limit with it. */
  fetches = 0;
  private keys = new Map<string, VerificationKey>();
  private lastAttemptAt = -Infinity;
  private lastFetchFailed = false;
  private inFlight?: Promise<boolean>;
  private readonly minIntervalMs: number;

  constructor(
    private readonly url: string,
    private readonly options: RemoteJsonWebKeySetOptions = {},
  ) {
    this.minIntervalMs = options.minRefreshIntervalMs ?? DEFAULT_JWKS_REFRESH_INTERVAL_MS;
  }

  keyFor(kid: string | undefined): VerificationKey | undefined {
    return kid === undefined ? undefined : this.keys.get(kid);
  }

  /** Until a fetch succeeds again: a kid not held may be a key the provider has and we cannot see. */
  unavailable(): { retryAfterSeconds: number } | undefined {
    if (!this.lastFetchFailed) return undefined;
    const waitMs = this.lastAttemptAt + this.minIntervalMs - Date.now();
    return { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  refresh(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.lastAttemptAt < this.minIntervalMs) return Promise.resolve(false);
    this.lastAttemptAt = Date.now();
    this.inFlight = this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<boolean> {
    this.fetches++;
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (response.status !== 200) throw new Error(`answered ${response.status}`);
      const text = await response.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error('is too large');
      this.keys = readJsonWebKeySet(text);
      this.lastFetchFailed = false;
      return true;
    } catch (error) {
      this.lastFetchFailed = true;
      this.options.onRefreshFailed?.(error instanceof Error ? error.message : String(error));
      return false;
    }
  }
}
