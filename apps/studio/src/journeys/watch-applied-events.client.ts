import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { backoffDelayMs, delay } from '@converge/backoff';
import { serverSentEvents } from '@converge/platform';
import { ServiceEndpoints } from '../services/service-endpoints';
import { JourneyBoard } from './journey-board';
import { VisibilityProbe } from './visibility-probe';

interface WireNotice {
  cartId: string;
  version: number;
  at: string;
}

export interface StreamState {
  url: string;
  connected: boolean;
  since?: string;
  lastError?: string;
}

/**
 * Follows every Cart-Query instance's applied-events stream, reconnecting with backoff: the
 * applied stage of each journey, and the cue to check when it became visible.
 */
@Injectable()
export class WatchAppliedEventsClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AppliedEvents');
  private readonly stopping = new AbortController();
  private readonly states = new Map<string, StreamState>();

  constructor(
    private readonly endpoints: ServiceEndpoints,
    private readonly board: JourneyBoard,
    private readonly probe: VisibilityProbe,
  ) {}

  get streams(): StreamState[] {
    return [...this.states.values()];
  }

  onApplicationBootstrap(): void {
    for (const url of this.endpoints.queryUrls) {
      this.states.set(url, { url, connected: false });
      void this.follow(url);
    }
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
  }

  private async follow(url: string): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted;) {
      try {
        const response = await fetch(`${url}/operations/applied-events`, {
          headers: { Authorization: this.endpoints.authorization(), Accept: 'text/event-stream' },
          signal: this.stopping.signal,
        });
        if (response.status !== 200 || !response.body) throw new Error(`answered ${response.status}`);
        this.states.set(url, { url, connected: true, since: new Date().toISOString() });
        attempt = 0;
        for await (const message of serverSentEvents(response.body)) {
          if (message.event === 'applied') this.take(JSON.parse(message.data) as WireNotice[]);
        }
        throw new Error('stream ended');
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        const reason = error instanceof Error ? error.message : String(error);
        this.states.set(url, { url, connected: false, lastError: reason });
        if (attempt === 0) this.logger.warn(`${url}: applied-events stream lost (${reason}); reconnecting`);
        await delay(backoffDelayMs(attempt++));
      }
    }
  }

  private take(notices: WireNotice[]): void {
    this.board.applied(notices.map((n) => ({ cartId: n.cartId, version: n.version, at: Date.parse(n.at) })));
    this.probe.schedule(new Set(notices.map((n) => n.cartId)));
  }
}
