import { Controller, type MessageEvent, type BeforeApplicationShutdown, Sse } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable, Subject, takeUntil } from 'rxjs';
import { OPERATE_SCOPE, RequireScope } from '@converge/access-token';
import { ReadModelSignals } from '../../infrastructure/read-model-signals';

/**
 * The read model's side of a write's journey: which cart reached which version, and when,
 * applied by any instance. A stream for operators and the studio, never for shoppers: it names
 * every cart.
 */
@ApiTags('operations')
@Controller('operations/applied-events')
@RequireScope(OPERATE_SCOPE)
export class StreamAppliedEventsHttpController implements BeforeApplicationShutdown {
  private readonly closing = new Subject<void>();

  constructor(private readonly signals: ReadModelSignals) {}

  @Sse()
  @ApiOperation({
    summary: 'Server-sent events: each message is a JSON array of {cartId, version, at} the read model reached',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A stream that stays open; one message per committed batch of any instance.' })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  stream(): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) =>
      this.signals.watch((notices) => subscriber.next({ type: 'applied', data: notices })),
    ).pipe(takeUntil(this.closing));
  }

  /** Open streams would hold the server's close until its deadline. */
  beforeApplicationShutdown(): void {
    this.closing.next();
    this.closing.complete();
  }
}
