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
import { CART_EVENTS_TOPIC, deadLetterTopicOf } from '@converge/contracts';

export const cartQueryEnv = z
  .object({
    CART_QUERY_PORT: portVar(3001),
    METRICS_PORT: metricsPortVar,
    ...tracingVars('cart-query'),
    CART_QUERY_DATABASE_URL: postgresUrlVar('postgres://postgres@127.0.0.1:5432/cart_query'),
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
    CART_QUERY_GROUP_ID: z.string().min(1).max(200).default('cart-query'),
    SESSION_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(2000),
    CONSUMER_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
    /** Where Cart's operations are: its digests, and the snapshots a repair asks for. */
    CART_URL: z.string().url().default('http://127.0.0.1:3000'),
    ANTI_ENTROPY_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    ANTI_ENTROPY_CONFIRM_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    PARKED_REPAIR_AFTER_MS: z.coerce.number().int().min(100).max(86_400_000).default(5000),
    PARKED_RETENTION_MS: z.coerce
      .number()
      .int()
      .min(60_000)
      .max(30 * 86_400_000)
      .default(86_400_000),
    /** Cart-Query's token for Cart's operations when it holds no secret to sign one: converge:operate, as cart-query. */
    REPAIR_ACCESS_TOKEN: z.preprocess((value) => (value === '' ? undefined : value), z.string().max(4096).optional()),
    REPAIR_RATE_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(2000),
    DEAD_LETTER_MAX_REDRIVES: z.coerce.number().int().min(0).max(100).default(3),
  })
  .superRefine((env, ctx) => {
    refuseMetricsPortClash(env, ctx, 'CART_QUERY_PORT');
    refuseDevelopmentKeys(env, ctx, ['SESSION_TOKEN_SECRET', 'AUTH_JWT_SECRET']);
    refuseUnsafeSessionTokenKeys(env, ctx);
    refuseIncompleteKafkaClient(env, ctx);
    requireOneAccessTokenKeySource(env, ctx);
    if ((env.AUTH_JWKS_FILE || env.AUTH_JWKS_URL) && env.REPAIR_ACCESS_TOKEN === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['REPAIR_ACCESS_TOKEN'],
        message: 'is required with AUTH_JWKS_FILE or AUTH_JWKS_URL: a token with converge:operate for Cart',
      });
    }
  })
  .transform((env) => ({
    port: env.CART_QUERY_PORT,
    metricsPort: env.METRICS_PORT,
    databaseUrl: env.CART_QUERY_DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaSecurity: kafkaClientSecurityOf(env),
    sessionTokenKeys: sessionTokenKeysOf(env),
    accessTokenKeys: accessTokenKeysOf(env),
    accessTokens: accessTokenPolicyOf(env),
    logLevel: env.LOG_LEVEL,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    http: httpServerLimits(env),
    eventsTopic: env.CART_EVENTS_TOPIC,
    deadLetterTopic: deadLetterTopicOf(env.CART_EVENTS_TOPIC),
    groupId: env.CART_QUERY_GROUP_ID,
    sessionWaitMs: env.SESSION_WAIT_MS,
    /** Events applied per read-model transaction at most; 1 is the naive baseline. */
    consumerMaxBatch: env.CONSUMER_MAX_BATCH,
    /** A dead letter sent again this many times is refused another redrive. */
    deadLetterMaxRedrives: env.DEAD_LETTER_MAX_REDRIVES,
    repair: {
      cartUrl: env.CART_URL.replace(/\/+$/, ''),
      /** Signs its own token with the shared secret, or sends the one it was given. */
      credentials: env.REPAIR_ACCESS_TOKEN
        ? ({ kind: 'token', token: env.REPAIR_ACCESS_TOKEN } as const)
        : ({ kind: 'signing-key', secret: env.AUTH_JWT_SECRET as string } as const),
      /** 0: no periodic pass; POST /operations/reconcile still runs one. */
      antiEntropyIntervalMs: env.ANTI_ENTROPY_INTERVAL_MS,
      /** A difference counts only if it is still there this long after, at the same write version. */
      confirmMs: env.ANTI_ENTROPY_CONFIRM_MS,
      parkedRepairAfterMs: env.PARKED_REPAIR_AFTER_MS,
      /** Parked events older than this are forgotten: read repair had their cart's snapshot asked for long before. */
      parkedRetentionMs: env.PARKED_RETENTION_MS,
      /** Snapshots asked for per second at most, so a rebuild leaves the live stream its lag. */
      ratePerSecond: env.REPAIR_RATE_PER_SECOND,
    },
  }));

/** The Cart-Query service's whole configuration, read from the environment once and validated. */
export const cartQueryConfig = registerAs('cartQuery', () => parseEnv(cartQueryEnv, process.env));
export type CartQueryConfig = ConfigType<typeof cartQueryConfig>;
