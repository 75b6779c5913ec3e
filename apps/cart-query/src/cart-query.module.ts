import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_BROKER, KafkajsEventBroker } from '@converge/kafka';
import { HealthHttpController, postgresOptions, SchemaMigrator } from '@converge/platform';
import { cartQueryConfig, CartQueryConfig } from './cart-query.config';
import { cartQueryMigrations } from './database/migrations';

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [cartQueryConfig] }),
    TypeOrmModule.forRootAsync({
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) => postgresOptions(config.databaseUrl, cartQueryMigrations),
    }),
    TerminusModule,
  ],
  controllers: [HealthHttpController],
  providers: [
    SchemaMigrator,
    {
      provide: EVENT_BROKER,
      inject: [cartQueryConfig.KEY],
      useFactory: (config: CartQueryConfig) =>
        new KafkajsEventBroker({ clientId: 'cart-query', brokers: config.kafkaBrokers, logLevel: config.logLevel }),
    },
  ],
})
export class CartQueryModule {}
