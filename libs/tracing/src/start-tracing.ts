/* eslint-disable @typescript-eslint/no-require-imports -- the SDK loads only when tracing is on */
import type * as NodeSdk from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage } from 'node:http';
import { type TracingSettings, tracingSettingsFrom } from './tracing-env';

/** Probes and scrapes: a span each would bury the requests someone wants to see. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

let provider: { shutdown(): Promise<void> } | undefined;

/**
 * Starts the OpenTelemetry SDK when an OTLP endpoint is configured, before the service's own
 * modules load (so http and pg are instrumented as they are required). Without one, neither the
 * SDK nor any instrumentation is even loaded: spans are the API's no-ops.
 */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const settings = tracingSettingsFrom(env, defaultServiceName);
  if (!settings?.enabled || provider) return provider !== undefined;
  const sdk = require('@opentelemetry/sdk-trace-node') as typeof NodeSdk;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const tracerProvider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: samplerOf(sdk, settings),
    spanProcessors: [new sdk.BatchSpanProcessor(exporterOf(settings))],
  });
  tracerProvider.register();
  registerInstrumentations();
  provider = tracerProvider;
  return true;
}

/** True once startTracing registered the SDK. */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Exports the spans still buffered; a stop waits for it, bounded by the caller. */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  await stopping?.shutdown();
}

function exporterOf(settings: TracingSettings): NodeSdk.SpanExporter {
  // Both read OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT themselves, as the specification says.
  if (settings.protocol === 'http/json') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

function samplerOf(sdk: typeof NodeSdk, { sampler, samplerRatio }: TracingSettings): NodeSdk.Sampler {
  const root = sampler.endsWith('always_off')
    ? new sdk.AlwaysOffSampler()
    : sampler.endsWith('traceidratio')
      ? new sdk.TraceIdRatioBasedSampler(samplerRatio)
      : new sdk.AlwaysOnSampler();
  return sampler.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root }) : root;
}

function registerInstrumentations(): void {
  const { registerInstrumentations: register } =
    require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  register({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
        requireParentforOutgoingSpans: true,
      }),
      // Background work (the relay's polls, the consumer's fetches) is traced where it matters,
      // by the spans that wrap it; a query outside any span would start a trace of its own.
      new PgInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
}
