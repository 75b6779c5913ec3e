import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@converge/platform';
import { studioConfig, type StudioConfig } from '../studio.config';
import { StudioIdentity } from '../identity/studio-identity';

export interface ServiceAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
  /** When the answer arrived, ms since the epoch. */
  at: number;
  tookMs: number;
}

export class ServiceUnreachableError extends AppError {
  readonly code = 'SERVICE_UNREACHABLE';
  readonly kind = 'unavailable' as const;
  readonly retriable = true;
  override readonly retryAfterSeconds = 1;
}

/** Longer than Cart-Query's session wait bound, which a token read may spend. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * The services' public HTTP interfaces, as the studio calls them: Cart for writes and its
 * write model, every Cart-Query instance for reads and operations.
 */
@Injectable()
export class ServiceEndpoints {
  constructor(
    @Inject(studioConfig.KEY) private readonly config: StudioConfig,
    private readonly identity: StudioIdentity,
  ) {}

  get cartUrl(): string {
    return this.config.cartUrl;
  }

  get queryUrls(): readonly string[] {
    return this.config.cartQueryUrls;
  }

  /** Where Cart's /metrics is: its own URL unless it serves them on a port of their own. */
  get cartMetricsUrl(): string {
    return this.config.cartMetricsUrl;
  }

  get queryMetricsUrls(): readonly string[] {
    return this.config.cartQueryMetricsUrls;
  }

  /** The studio's own: its carts, and the operations. */
  authorization(): string {
    return this.identity.authorization();
  }

  async call<T>(
    url: string,
    init: { method?: string; body?: unknown; authorization?: string; sessionToken?: string; signal?: AbortSignal } = {},
  ): Promise<ServiceAnswer<T>> {
    const headers: Record<string, string> = { Authorization: init.authorization ?? this.identity.authorization() };
    if (init.sessionToken) headers['X-Session-Token'] = init.sessionToken;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const started = Date.now();
    const { response, text } = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS),
    }).then(
      async (response) => ({ response, text: await response.text() }),
      (error: unknown) => {
        throw new ServiceUnreachableError(`${new URL(url).origin} did not answer: ${(error as Error).message}`);
      },
    );
    const at = Date.now();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers,
      at,
      tookMs: at - started,
    };
  }
}
