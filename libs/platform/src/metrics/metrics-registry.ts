import type { Provider } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per application instead of prom-client's global one, so two apps (or two tests)
 * in one process never share or double-register a metric.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Inject `Registry` (from prom-client) to register a service's own metrics on it. */
export const metricsRegistryProvider: Provider = { provide: Registry, useFactory: createMetricsRegistry };
