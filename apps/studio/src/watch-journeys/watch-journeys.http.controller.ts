import { Controller, DefaultValuePipe, Get, type MessageEvent, ParseIntPipe, Query, Sse } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { concat, map, Observable, of } from 'rxjs';
import type { Journey } from '../journeys/journey';
import { JourneyBoard } from '../journeys/journey-board';
import { FeedTicker } from './feed-ticker';

/** The journeys, for the page and for any other client: a live stream, or the latest as JSON. */
@ApiTags('studio')
@Controller('api')
export class WatchJourneysHttpController {
  constructor(
    private readonly ticker: FeedTicker,
    private readonly board: JourneyBoard,
  ) {}

  @Sse('feed')
  @ApiProduces('text/event-stream')
  feed(): Observable<MessageEvent> {
    return concat(
      of({ type: 'opening', data: this.ticker.opening() }),
      this.ticker.updates.pipe(map((update) => ({ type: 'update', data: update }))),
    );
  }

  @Get('journeys')
  journeys(@Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number): Journey[] {
    return this.board.recent(Math.min(Math.max(limit, 1), 2000));
  }
}
