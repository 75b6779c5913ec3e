import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenModule } from '@converge/access-token';
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
import { ReadModelSignals } from './infrastructure/read-model-signals';
import { ConsumerLagMetrics } from './metrics/consumer-lag.metrics';
import { ConsumerMetrics } from './metrics/consumer.metrics';
import { ParkedEventsMetrics } from './metrics/parked-events.metrics';
import { GetCartHandler } from './queries/get-cart/get-cart.handler';
import { SetConsumptionHttpController } from './operations/set-consumption/set-consumption.http.controller';
import { GetCartHttpController } from './queries/get-cart/get-cart.http.controller';

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
      secret: (config: CartQueryConfig) => config.authJwtSecret,
    }),
  ],
  controllers: [
    HealthHttpController,
    GetCartHttpController,
    SetConsumptionHttpController,
    ApplyCartEventsKafkaController,
  ],
  providers: [
    SchemaMigrator,
    {
      provide: READINESS_CHECKS,
      inject: [EVENT_BROKER],
      useFactory: (broker: EventBroker) => [brokerReadiness(broker)],
    },
    {
      provide: EVENT_BROKER,
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) =>
        new KafkajsEventBroker({ clientId: 'cart-query', brokers: config.kafkaBrokers, logLevel: config.logLevel }),
    },
    {
      provide: SessionTokenCodec,
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) => new SessionTokenCodec(config.sessionTokenSecret),
    },
    ParseSessionTokenPipe,
    CartViewRepository,
    ReadModelSignals,
    ConsumerStats,
    ApplyCartEventsHandler,
    GetCartHandler,
    ProcessedEventsPruner,
    ConsumerMetrics,
    ConsumerLagMetrics,
    ParkedEventsMetrics,
  ],
})
export class CartQueryModule {}
