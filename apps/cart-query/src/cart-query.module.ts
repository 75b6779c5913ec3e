import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessTokenModule } from '@converge/access-token';
import { DIGEST_SOURCE, DigestsHttpController, DigestTable } from '@converge/anti-entropy';
import { brokerReadiness, EVENT_BROKER, type EventBroker, KafkajsEventBroker } from '@converge/kafka';
import {
  HealthHttpController,
  MetricsModule,
  postgresOptions,
  READINESS_CHECKS,
  SchemaMigrator,
} from '@converge/platform';
import { ParseSessionTokenPipe, SessionTokenCodec } from '@converge/session-token';
import { cartQueryConfig, type CartQueryConfig } from './cart-query.config';
import { cartQueryMigrations } from './database/migrations';
import { ApplyCartEventsHandler } from './events/apply-cart-events/apply-cart-events.handler';
import { ApplyCartEventsKafkaController } from './events/apply-cart-events/apply-cart-events.kafka.controller';
import { ConsumerStats } from './events/apply-cart-events/consumer-stats';
import { ProcessedEventsPruner } from './events/processed-events.pruner';
import { CartViewRepository } from './infrastructure/cart-view.repository';
import { PartitionWatermarks } from './infrastructure/partition-watermarks.repository';
import { ReadModelSignals } from './infrastructure/read-model-signals';
import { ConsumerLagMetrics } from './metrics/consumer-lag.metrics';
import { ConsumerMetrics } from './metrics/consumer.metrics';
import { ParkedEventsMetrics } from './metrics/parked-events.metrics';
import { WatermarkMetrics } from './metrics/watermark.metrics';
import { GetCartHandler } from './queries/get-cart/get-cart.handler';
import { DeadLetterStore } from './infrastructure/dead-letter.store';
import { DeadLettersHttpController } from './operations/dead-letters/dead-letters.http.controller';
import { RedriveDeadLettersHandler } from './operations/dead-letters/redrive-dead-letters.handler';
import { CartOperationsClient } from './repair/cart-operations.client';
import { RepairParkedCartsScheduler } from './repair/read-repair/repair-parked-carts.scheduler';
import { ReconcileHttpController } from './repair/reconcile/reconcile.http.controller';
import { ReconcileScheduler } from './repair/reconcile/reconcile.scheduler';
import { Reconciler } from './repair/reconcile/reconciler';
import { RepairMetrics } from './repair/repair.metrics';
import { SnapshotRequests } from './repair/snapshot-requests';
import { SetConsumptionHttpController } from './operations/set-consumption/set-consumption.http.controller';
import { GetCartHttpController } from './queries/get-cart/get-cart.http.controller';
import { ReplicationDelay } from './operations/set-replication-delay/replication-delay';
import { SetReplicationDelayHttpController } from './operations/set-replication-delay/set-replication-delay.http.controller';
import { StreamAppliedEventsHttpController } from './operations/stream-applied-events/stream-applied-events.http.controller';

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [cartQueryConfig] }),
    TypeOrmModule.forRootAsync({
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) => postgresOptions(config.databaseUrl, cartQueryMigrations),
    }),
    TerminusModule,
    MetricsModule,
    AccessTokenModule.forRoot({
      configKey: cartQueryConfig.KEY,
      keys: (config: CartQueryConfig) => config.accessTokenKeys,
      policy: (config: CartQueryConfig) => config.accessTokens,
    }),
  ],
  controllers: [
    HealthHttpController,
    GetCartHttpController,
    SetConsumptionHttpController,
    SetReplicationDelayHttpController,
    StreamAppliedEventsHttpController,
    ApplyCartEventsKafkaController,
    DigestsHttpController,
    ReconcileHttpController,
    DeadLettersHttpController,
  ],
  providers: [
    SchemaMigrator,
    {
      provide: DIGEST_SOURCE,
      inject: [DataSource],
      useFactory: (db: DataSource) => new DigestTable(db, { buckets: 'cart_view_digest_buckets', rows: 'cart_views' }),
    },
    {
      provide: READINESS_CHECKS,
      inject: [EVENT_BROKER, Reconciler, ReplicationDelay],
      useFactory: (broker: EventBroker, reconciler: Reconciler, delay: ReplicationDelay) => [
        brokerReadiness(broker),
        reconciler.readiness,
        delay.readiness,
      ],
    },
    {
      provide: EVENT_BROKER,
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) =>
        new KafkajsEventBroker({
          clientId: 'cart-query',
          brokers: config.kafkaBrokers,
          ...config.kafkaSecurity,
          logLevel: config.logLevel,
        }),
    },
    {
      provide: SessionTokenCodec,
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) =>
        new SessionTokenCodec(config.sessionTokenKeys.secret, config.sessionTokenKeys),
    },
    ParseSessionTokenPipe,
    CartViewRepository,
    ReadModelSignals,
    PartitionWatermarks,
    ConsumerStats,
    ApplyCartEventsHandler,
    GetCartHandler,
    ProcessedEventsPruner,
    ConsumerMetrics,
    ConsumerLagMetrics,
    ParkedEventsMetrics,
    WatermarkMetrics,
    CartOperationsClient,
    RepairMetrics,
    SnapshotRequests,
    Reconciler,
    ReconcileScheduler,
    RepairParkedCartsScheduler,
    DeadLetterStore,
    RedriveDeadLettersHandler,
    ReplicationDelay,
  ],
})
export class CartQueryModule {}
