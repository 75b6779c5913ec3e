import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessTokenModule } from '@converge/access-token';
import { DIGEST_SOURCE, DigestsHttpController, DigestTable } from '@converge/anti-entropy';
import { EVENT_BROKER, type EventBroker, KafkajsEventBroker } from '@converge/kafka';
import { OUTBOX_RELAY, OutboxRelay, outboxRelayReadiness } from '@converge/outbox';
import {
  HealthHttpController,
  MetricsModule,
  READINESS_CHECKS,
  postgresOptions,
  SchemaMigrator,
  withApplicationName,
} from '@converge/platform';
import { cartConfig, CartConfig } from './cart.config';
import { AddItemHandler } from './commands/add-item/add-item.handler';
import { AddItemHttpController } from './commands/add-item/add-item.http.controller';
import { CartUnitOfWork } from './commands/cart-unit-of-work';
import { ClearCartHandler } from './commands/clear-cart/clear-cart.handler';
import { ClearCartHttpController } from './commands/clear-cart/clear-cart.http.controller';
import { CreateCartHandler } from './commands/create-cart/create-cart.handler';
import { CreateCartHttpController } from './commands/create-cart/create-cart.http.controller';
import { RemoveItemHandler } from './commands/remove-item/remove-item.handler';
import { RemoveItemHttpController } from './commands/remove-item/remove-item.http.controller';
import { SetItemQuantityHandler } from './commands/set-item-quantity/set-item-quantity.handler';
import { SetItemQuantityHttpController } from './commands/set-item-quantity/set-item-quantity.http.controller';
import { cartMigrations } from './database/migrations';
import { EmitSnapshotsHandler } from './operations/emit-snapshots/emit-snapshots.handler';
import { EmitSnapshotsHttpController } from './operations/emit-snapshots/emit-snapshots.http.controller';
import { CartReply } from './http/cart-reply';
import { ParseSessionTokenPipe, SessionTokenCodec } from '@converge/session-token';
import { IdempotencyKeys } from './idempotency/idempotency-keys.repository';
import { IdempotentReplayInterceptor } from './idempotency/idempotent-replay.interceptor';
import { CartRepository } from './infrastructure/cart.repository';
import { OwnerWriteRate } from './limits/owner-write-rate';
import { OwnerWriteRateGuard } from './limits/owner-write-rate.guard';
import { OutboxMetrics } from './metrics/outbox.metrics';
import { GetCartHandler } from './queries/get-cart/get-cart.handler';
import { GetCartHttpController } from './queries/get-cart/get-cart.http.controller';

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [cartConfig] }),
    TypeOrmModule.forRootAsync({
      inject: [cartConfig.KEY],
      useFactory: (config: CartConfig) => postgresOptions(config.databaseUrl, cartMigrations),
    }),
    TerminusModule,
    MetricsModule,
    AccessTokenModule.forRoot({
      configKey: cartConfig.KEY,
      keys: (config: CartConfig) => config.accessTokenKeys,
      policy: (config: CartConfig) => config.accessTokens,
    }),
  ],
  controllers: [
    HealthHttpController,
    CreateCartHttpController,
    AddItemHttpController,
    SetItemQuantityHttpController,
    RemoveItemHttpController,
    ClearCartHttpController,
    GetCartHttpController,
    EmitSnapshotsHttpController,
    DigestsHttpController,
  ],
  providers: [
    SchemaMigrator,
    {
      provide: DIGEST_SOURCE,
      inject: [DataSource],
      useFactory: (db: DataSource) => new DigestTable(db, { buckets: 'cart_digest_buckets', rows: 'carts' }),
    },
    {
      provide: READINESS_CHECKS,
      inject: [OUTBOX_RELAY, EVENT_BROKER],
      useFactory: (relay: OutboxRelay, broker: EventBroker) => [outboxRelayReadiness(relay, broker)],
    },
    {
      provide: EVENT_BROKER,
      inject: [cartConfig.KEY],
      useFactory: (config: CartConfig) =>
        new KafkajsEventBroker({
          clientId: 'cart',
          brokers: config.kafkaBrokers,
          ...config.kafkaSecurity,
          logLevel: config.logLevel,
        }),
    },
    {
      provide: SessionTokenCodec,
      inject: [cartConfig.KEY],
      useFactory: (config: CartConfig) =>
        new SessionTokenCodec(config.sessionTokenKeys.secret, config.sessionTokenKeys),
    },
    {
      provide: OUTBOX_RELAY,
      inject: [cartConfig.KEY, EVENT_BROKER],
      useFactory: (config: CartConfig, broker: EventBroker) =>
        new OutboxRelay(broker, {
          ...config.outbox,
          // Named so an operator (and the failover test) can tell which process leads.
          databaseUrl: withApplicationName(config.databaseUrl, `cart-outbox-relay-${process.pid}`),
        }),
    },
    ParseSessionTokenPipe,
    {
      provide: OwnerWriteRate,
      inject: [cartConfig.KEY],
      useFactory: (config: CartConfig) => new OwnerWriteRate(config.ownerLimits.writesPerSecond),
    },
    OwnerWriteRateGuard,
    IdempotencyKeys,
    IdempotentReplayInterceptor,
    CartReply,
    CartRepository,
    CartUnitOfWork,
    CreateCartHandler,
    AddItemHandler,
    SetItemQuantityHandler,
    RemoveItemHandler,
    ClearCartHandler,
    GetCartHandler,
    EmitSnapshotsHandler,
    OutboxMetrics,
  ],
})
export class CartModule {}
