import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { type AccessTokenPolicy, AccessTokenVerifier } from './access-token.verifier';

export interface AccessTokenModuleOptions<Config> {
  /** The injection token of the service's validated configuration (its registerAs KEY). */
  configKey: string | symbol;
  secret: (config: Config) => string;
  policy?: (config: Config) => Partial<AccessTokenPolicy>;
}

/** Guards every HTTP route of the application it is imported into. */
@Module({})
export class AccessTokenModule {
  static forRoot<Config>(options: AccessTokenModuleOptions<Config>): DynamicModule {
    return {
      module: AccessTokenModule,
      providers: [
        {
          provide: AccessTokenVerifier,
          inject: [options.configKey],
          useFactory: (config: Config) => new AccessTokenVerifier(options.secret(config), options.policy?.(config)),
        },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
