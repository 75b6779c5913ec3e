import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HttpMetrics } from './http-metrics';
import { MetricsPort } from './metrics-port';
import { metricsRegistryProvider } from './metrics-registry';
import { MetricsHttpController } from './metrics.http.controller';

/**
 * GET /metrics, process metrics and HTTP request timing. A service registers its own metrics on
 * the exported Registry, and may move /metrics to a port of its own (MetricsPort).
 */
@Module({
  controllers: [MetricsHttpController],
  providers: [metricsRegistryProvider, HttpMetrics, MetricsPort],
  exports: [Registry, MetricsPort],
})
export class MetricsModule {}
