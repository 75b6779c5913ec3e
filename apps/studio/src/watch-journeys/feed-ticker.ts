import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Subject } from 'rxjs';
import { type BoardUpdate, JourneyBoard } from '../journeys/journey-board';
import { type StreamState, WatchAppliedEventsClient } from '../journeys/watch-applied-events.client';
import { type Gauges, ServiceGauges } from '../system/service-gauges';

export interface FeedUpdate extends BoardUpdate {
  gauges: Gauges;
  streams: StreamState[];
  at: string;
}

/** Four updates a second: smooth to watch, and a burst of writes folds into a few messages. */
export const FEED_EVERY_MS = 250;

/**
 * Takes the board's changes once per tick and hands the same update to every watcher: a
 * watcher that drained the board itself would steal the others' changes.
 */
@Injectable()
export class FeedTicker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly updates = new Subject<FeedUpdate>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly board: JourneyBoard,
    private readonly gauges: ServiceGauges,
    private readonly applied: WatchAppliedEventsClient,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.updates.next(this.take()), FEED_EVERY_MS);
  }

  /** Before the server closes: open feeds would hold its close until the deadline. */
  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
    this.updates.complete();
  }

  /** What a watcher that just arrived sees first: the recent journeys and the state of things. */
  opening(): FeedUpdate {
    return { journeys: this.board.recent(100), omitted: 0, ...this.board.aggregates(), ...this.extras() };
  }

  private take(): FeedUpdate {
    return { ...this.board.update(), ...this.extras() };
  }

  private extras() {
    return { gauges: this.gauges.current, streams: this.applied.streams, at: new Date().toISOString() };
  }
}
