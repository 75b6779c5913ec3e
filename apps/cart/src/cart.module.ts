import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_BROKER, KafkajsEventBroker } from '@converge/kafka';
import { HealthHttpController, postgresOptions, SchemaMigrator } from '@converge/platform';
import { cartConfig, CartConfig } from './cart.config';
import { cartMigrations } from './database/migrations';

@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [cartConfig] }),
    TypeOrmModule.forRootAsync({
      inject: [cartConfig.KEY],
      useFactory: (config: CartConfig) => postgresOptions(config.databaseUrl, cartMigrations),
    }),
    TerminusModule,
  ],
  controllers: [HealthHttpController],
  providers: [
    SchemaMigrator,
    {
      provide: EVENT_BROKER,
      inject: [cartConfig.KEY],
      useFactory: (config: CartConfig) =>
        new KafkajsEventBroker({ clientId: 'cart', brokers: config.kafkaBrokers, logLevel: config.logLevel }),
    },
  ],
})
export class CartModule {}
