import { TRACEPARENT_HEADER } from '@converge/contracts';
import type { InboundBatch, InboundMessage } from '@converge/kafka';
import { contextOf, linksTo, type Span, SpanKind, SpanStatusCode, startSpan, tracingEnabled } from '@converge/tracing';

/** The batch's span: a trace of its own, linked to the span that wrote each of its messages. */
export function batchSpanOptions(batch: InboundBatch) {
  return {
    kind: SpanKind.CONSUMER,
    root: true,
    links: tracingEnabled() ? linksTo(batch.messages.map((message) => message.headers[TRACEPARENT_HEADER])) : [],
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': batch.topic,
      'messaging.destination.partition.id': String(batch.partition),
      'messaging.batch.message_count': batch.messages.length,
    },
  };
}

/**
 * One span per event, continuing the trace its Kafka header carries (the request that wrote it),
 * linked to the batch that applied it. The batch applies in one transaction, so every event's
 * span lasts from the batch's start to its commit; the span says whether the event was applied.
 */
export class EventApplySpans {
  private readonly spans = new Map<string, Span>();

  constructor(private readonly batch: Span) {}

  start(message: InboundMessage, event: { eventId: string; cartId: string; version: number }): void {
    if (!tracingEnabled()) return;
    const span = startSpan('apply cart event', {
      kind: SpanKind.CONSUMER,
      parent: contextOf(message.headers[TRACEPARENT_HEADER]),
      links: [{ context: this.batch.spanContext() }],
      attributes: {
        'cart.id': event.cartId,
        'cart.event.id': event.eventId,
        'cart.version': event.version,
        'messaging.kafka.offset': Number(message.offset),
      },
    });
    this.spans.set(event.eventId, span);
  }

  /** Ends them all: applied, or not (a duplicate, stale or parked event); failed with the batch. */
  end(applied: ReadonlySet<string>, failed = false): void {
    for (const [eventId, span] of this.spans) {
      span.setAttribute('cart.event.applied', applied.has(eventId));
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    this.spans.clear();
  }
}
