import { z } from 'zod';

/** The OTLP transports this build exports over: both post to `<endpoint>/v1/traces`. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** The samplers of the OpenTelemetry specification, by their standard names. */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);
const endpointVar = z.preprocess(unsetWhenEmpty, z.string().url().optional());

/**
 * The standard OpenTelemetry variables, as every service's config schema knows them (so a typo
 * in a value fails the start, and the compose test sees them). The SDK is started from the same
 * schema before Nest loads.
 */
export function tracingVars(defaultServiceName: string) {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpointVar,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpointVar,
    OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(OTLP_PROTOCOLS).default('http/protobuf'),
    OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
    OTEL_SERVICE_NAME: z.string().min(1).default(defaultServiceName),
    OTEL_TRACES_SAMPLER: z.enum(TRACE_SAMPLERS).default('parentbased_always_on'),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  };
}

export interface TracingSettings {
  /** False with no endpoint or with OTEL_TRACES_EXPORTER=none: then nothing is loaded at all. */
  enabled: boolean;
  serviceName: string;
  protocol: OtlpProtocol;
  sampler: TraceSampler;
  samplerRatio: number;
}

type TracingEnv = z.infer<z.ZodObject<ReturnType<typeof tracingVars>>>;

export function tracingSettingsOf(env: TracingEnv): TracingSettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    enabled: env.OTEL_TRACES_EXPORTER === 'otlp' && endpoint !== undefined,
    serviceName: env.OTEL_SERVICE_NAME,
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
    sampler: env.OTEL_TRACES_SAMPLER,
    samplerRatio: env.OTEL_TRACES_SAMPLER_ARG,
  };
}

/** The settings from the environment, or undefined when it is invalid (the service's config says why). */
export function tracingSettingsFrom(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingSettings | undefined {
  const parsed = z.object(tracingVars(defaultServiceName)).safeParse(env);
  return parsed.success ? tracingSettingsOf(parsed.data) : undefined;
}
