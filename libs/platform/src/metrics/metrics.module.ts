import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HttpMetrics } from './http-metrics';
import { metricsRegistryProvider } from './metrics-registry';
import { MetricsHttpController } from './metrics.http.controller';

/**
 * GET /metrics, process metrics and HTTP request timing. A service registers its own metrics on
 * the exported Registry.
 */
@Module({
  controllers: [MetricsHttpController],
  providers: [metricsRegistryProvider, HttpMetrics],
  exports: [Registry],
})
export class MetricsModule {}
