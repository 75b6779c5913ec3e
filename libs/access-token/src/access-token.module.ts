import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AccessTokenKeySource } from '@converge/platform';
import { AccessTokenGuard } from './access-token.guard';
import { type AccessTokenKeys, FileJsonWebKeySet, SecretAccessTokenKey } from './access-token.keys';
import { type AccessTokenPolicy, AccessTokenVerifier } from './access-token.verifier';
import { RemoteJsonWebKeySet } from './remote-json-web-key-set';

export interface AccessTokenModuleOptions<Config> {
  /** The injection token of the service's validated configuration (its registerAs KEY). */
  configKey: string | symbol;
  keys: (config: Config) => AccessTokenKeySource;
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
          useFactory: (config: Config) =>
            new AccessTokenVerifier(accessTokenKeys(options.keys(config)), options.policy?.(config)),
        },
        { provide: APP_GUARD, useClass: AccessTokenGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}

/** A JWKS file is read here, at start-up: a missing or unusable one stops the service before it listens. */
export function accessTokenKeys(source: AccessTokenKeySource): AccessTokenKeys {
  if (source.kind === 'secret') return new SecretAccessTokenKey(source.secret);
  if (source.kind === 'jwks-file') return new FileJsonWebKeySet(source.path);
  const logger = new Logger('AccessTokenKeys');
  const keys = new RemoteJsonWebKeySet(source.url, {
    minRefreshIntervalMs: source.minRefreshIntervalMs,
    onRefreshFailed: (reason) => logger.warn(`fetching the JWKS failed: ${reason}`),
  });
  // Fetched now, so the first callers do not wait for it; a failure is retried on their unknown kids.
  void keys.refresh();
  return keys;
}
