import { tracingSettingsFrom } from './tracing-env';

describe('tracing settings from the standard OTEL_* variables', () => {
  it('are off without an endpoint, so nothing is loaded', () => {
    expect(tracingSettingsFrom({}, 'cart')).toMatchObject({ enabled: false, serviceName: 'cart' });
  });

  it('are on with an endpoint, unless the exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(tracingSettingsFrom(endpoint, 'cart')).toMatchObject({ enabled: true, protocol: 'http/protobuf' });
    expect(tracingSettingsFrom({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, 'cart')?.enabled).toBe(false);
    expect(tracingSettingsFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x:4318/v1/traces' }, 'c')?.enabled).toBe(
      true,
    );
  });

  it('take the service name, protocol and sampler given', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'cart-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    };
    expect(tracingSettingsFrom(env, 'cart')).toEqual({
      enabled: true,
      serviceName: 'cart-eu',
      protocol: 'http/json',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('refuse a protocol this build cannot export over (grpc) and a ratio outside [0, 1]', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(tracingSettingsFrom({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'cart')).toBeUndefined();
    expect(tracingSettingsFrom({ ...endpoint, OTEL_TRACES_SAMPLER_ARG: '2' }, 'cart')).toBeUndefined();
  });
});
