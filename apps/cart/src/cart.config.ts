import { ConfigType, registerAs } from '@nestjs/config';
import { z } from 'zod';
import {
  kafkaBrokersVar,
  kafkaClientVars,
  kafkaClientSecurityOf,
  refuseIncompleteKafkaClient,
  logLevelVar,
  shutdownDrainMsVar,
  convergeEnvVar,
  refuseDevelopmentKeys,
  httpServerLimits,
  httpServerVars,
  metricsPortVar,
  refuseMetricsPortClash,
  parseEnv,
  portVar,
  postgresUrlVar,
  sessionTokenKeyVars,
  sessionTokenKeysOf,
  refuseUnsafeSessionTokenKeys,
  accessTokenKeyVars,
  accessTokenKeysOf,
  requireOneAccessTokenKeySource,
  accessTokenPolicyOf,
  accessTokenPolicyVars,
  topicVar,
} from '@converge/platform';
import { tracingVars } from '@converge/tracing';
import { CART_EVENTS_TOPIC } from '@converge/contracts';

export const cartEnv = z
  .object({
    CART_PORT: portVar(3000),
    METRICS_PORT: metricsPortVar,
    ...tracingVars('cart'),
    CART_DATABASE_URL: postgresUrlVar('postgres://postgres@127.0.0.1:5432/cart'),
    KAFKA_BROKERS: kafkaBrokersVar,
    ...kafkaClientVars,
    CONVERGE_ENV: convergeEnvVar,
    ...sessionTokenKeyVars,
    ...accessTokenKeyVars,
    ...accessTokenPolicyVars,
    LOG_LEVEL: logLevelVar,
    SHUTDOWN_DRAIN_MS: shutdownDrainMsVar,
    ...httpServerVars,
    CART_EVENTS_TOPIC: topicVar(CART_EVENTS_TOPIC),
    OUTBOX_RELAY_MODE: z.enum(['notify', 'poll', 'off']).default('notify'),
    OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(5000),
    OUTBOX_BATCH_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    OUTBOX_RETENTION_MS: z.coerce.number().int().min(0).default(3_600_000),
    OUTBOX_WATERMARK_BUSY_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    OUTBOX_WATERMARK_IDLE_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    IDEMPOTENCY_KEY_TTL_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(30 * 86_400_000)
      .default(86_400_000),
    // 0 is no cap: a deployment sets its own, as the benchmark drives thousands of writes from one owner.
    OWNER_MAX_CARTS: z.coerce.number().int().min(0).default(0),
    OWNER_WRITES_PER_SECOND: z.coerce.number().int().min(0).default(0),
  })
  .superRefine((env, ctx) => {
    refuseMetricsPortClash(env, ctx, 'CART_PORT');
    refuseDevelopmentKeys(env, ctx, ['SESSION_TOKEN_SECRET', 'AUTH_JWT_SECRET']);
    refuseUnsafeSessionTokenKeys(env, ctx);
    refuseIncompleteKafkaClient(env, ctx);
    requireOneAccessTokenKeySource(env, ctx);
  })
  .transform((env) => ({
    port: env.CART_PORT,
    metricsPort: env.METRICS_PORT,
    databaseUrl: env.CART_DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaSecurity: kafkaClientSecurityOf(env),
    sessionTokenKeys: sessionTokenKeysOf(env),
    accessTokenKeys: accessTokenKeysOf(env),
    accessTokens: accessTokenPolicyOf(env),
    logLevel: env.LOG_LEVEL,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    http: httpServerLimits(env),
    eventsTopic: env.CART_EVENTS_TOPIC,
    outbox: {
      mode: env.OUTBOX_RELAY_MODE,
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      batchBytes: env.OUTBOX_BATCH_BYTES,
      retentionMs: env.OUTBOX_RETENTION_MS,
      watermarks: {
        topics: [env.CART_EVENTS_TOPIC],
        busyEveryMs: env.OUTBOX_WATERMARK_BUSY_MS,
        idleEveryMs: env.OUTBOX_WATERMARK_IDLE_MS,
      },
    },
    idempotency: { keyTtlMs: env.IDEMPOTENCY_KEY_TTL_MS },
    ownerLimits: { maxCarts: env.OWNER_MAX_CARTS, writesPerSecond: env.OWNER_WRITES_PER_SECOND },
  }));

/** The Cart service's whole configuration, read from the environment once and validated. */
export const cartConfig = registerAs('cart', () => parseEnv(cartEnv, process.env));
export type CartConfig = ConfigType<typeof cartConfig>;
