import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

export { SpanKind, SpanStatusCode };
export type { Span };

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function tracer() {
  return trace.getTracer('converge');
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Starts a trace of its own (linked, not parented), whatever span is active. */
  root?: boolean;
  /** The parent, when it is not the active span: e.g. a context read from a message. */
  parent?: Context;
}

/**
 * Runs `work` in a new active span, ended however `work` ends; a throw marks it failed. With no
 * SDK registered this is the API's no-op span, and `work` runs as it would without it.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return tracer().startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span the caller ends: one of several that share a piece of work, like events of one batch. */
export function startSpan(name: string, options: SpanOptions): Span {
  const { parent = context.active(), ...spanOptions } = options;
  return tracer().startSpan(name, spanOptions, parent);
}

/** The span's W3C traceparent, when it has a real context (tracing on); else undefined. */
export function traceparentOf(span: Span): string | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!isSpanContextValid(span.spanContext())) return undefined;
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The remote span a W3C traceparent names, or undefined for a missing or malformed one. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const spanContext = { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16), isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** A context whose parent is the span the traceparent names; the root context without one. */
export function contextOf(traceparent: string | undefined): Context {
  const spanContext = spanContextOf(traceparent);
  return spanContext ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : ROOT_CONTEXT;
}

/** Links to the spans the traceparents name, skipping those that name none. */
export function linksTo(traceparents: Iterable<string | undefined>): Link[] {
  const links: Link[] = [];
  for (const traceparent of traceparents) {
    const spanContext = spanContextOf(traceparent);
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}

/** The active span, when there is one (tracing on, inside a traced request or piece of work). */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}
