import { ConfigType, registerAs } from '@nestjs/config';
import { z } from 'zod';
import { CART_EVENTS_TOPIC } from '@converge/contracts';
import {
  accessTokenPolicyOf,
  accessTokenPolicyVars,
  convergeEnvVar,
  httpServerLimits,
  httpServerVars,
  kafkaBrokersVar,
  kafkaClientVars,
  kafkaClientSecurityOf,
  refuseIncompleteKafkaClient,
  logLevelVar,
  metricsPortVar,
  refuseMetricsPortClash,
  parseEnv,
  portVar,
  shutdownDrainMsVar,
  topicVar,
} from '@converge/platform';
import { tracingVars } from '@converge/tracing';

const urlList = z
  .string()
  .min(1)
  .transform((value) => value.split(',').map((url) => url.trim().replace(/\/+$/, '')))
  .pipe(z.array(z.string().url()).min(1).max(16));

/** docker-compose passes an unset host variable as "": that means "not given", not a value. */
const unsetWhenEmpty = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

export const studioEnv = z
  .object({
    STUDIO_PORT: portVar(3002),
    METRICS_PORT: metricsPortVar,
    ...tracingVars('studio'),
    CART_URL: z.string().url().default('http://127.0.0.1:3000'),
    /** Every Cart-Query instance: each is paused, delayed and watched on its own. */
    CART_QUERY_URLS: urlList.default('http://127.0.0.1:3001'),
    /** Where the services' /metrics are, when they serve them on a METRICS_PORT: base URLs, as the above. */
    CART_METRICS_URL: unsetWhenEmpty(z.string().url().optional()),
    CART_QUERY_METRICS_URLS: unsetWhenEmpty(urlList.optional()),
    KAFKA_BROKERS: kafkaBrokersVar,
    ...kafkaClientVars,
    CART_EVENTS_TOPIC: topicVar(CART_EVENTS_TOPIC),
    STUDIO_GROUP_ID: z.string().min(1).max(200).default('studio'),
    CONVERGE_ENV: convergeEnvVar,
    /** An access token with the converge:operate scope: the studio acts as its subject. */
    STUDIO_ACCESS_TOKEN: unsetWhenEmpty(z.string().max(4096).optional()),
    /** Development only: the studio signs its own tokens with the local key instead. */
    AUTH_JWT_SECRET: unsetWhenEmpty(z.string().min(32).optional()),
    ...accessTokenPolicyVars,
    LOG_LEVEL: logLevelVar,
    SHUTDOWN_DRAIN_MS: shutdownDrainMsVar,
    ...httpServerVars,
  })
  .superRefine((env, ctx) => {
    refuseMetricsPortClash(env, ctx, 'STUDIO_PORT');
    refuseIncompleteKafkaClient(env, ctx);
    if (env.STUDIO_ACCESS_TOKEN === undefined && !(env.CONVERGE_ENV === 'development' && env.AUTH_JWT_SECRET)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['STUDIO_ACCESS_TOKEN'],
        message:
          'is required (a token with the converge:operate scope), unless CONVERGE_ENV=development with AUTH_JWT_SECRET',
      });
    }
    if (env.AUTH_JWT_SECRET !== undefined && env.CONVERGE_ENV !== 'development') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['AUTH_JWT_SECRET'],
        message:
          'is for development only: a studio that can mint tokens could act as anyone; give it STUDIO_ACCESS_TOKEN',
      });
    }
  })
  .transform((env) => ({
    port: env.STUDIO_PORT,
    metricsPort: env.METRICS_PORT,
    cartUrl: env.CART_URL.replace(/\/+$/, ''),
    cartQueryUrls: env.CART_QUERY_URLS,
    cartMetricsUrl: (env.CART_METRICS_URL ?? env.CART_URL).replace(/\/+$/, ''),
    cartQueryMetricsUrls: env.CART_QUERY_METRICS_URLS ?? env.CART_QUERY_URLS,
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaSecurity: kafkaClientSecurityOf(env),
    eventsTopic: env.CART_EVENTS_TOPIC,
    groupId: env.STUDIO_GROUP_ID,
    credentials: env.STUDIO_ACCESS_TOKEN
      ? ({ kind: 'token', token: env.STUDIO_ACCESS_TOKEN } as const)
      : ({ kind: 'signing-key', secret: env.AUTH_JWT_SECRET as string, policy: accessTokenPolicyOf(env) } as const),
    logLevel: env.LOG_LEVEL,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    http: httpServerLimits(env),
  }));

/** The studio's whole configuration, read from the environment once and validated. */
export const studioConfig = registerAs('studio', () => parseEnv(studioEnv, process.env));
export type StudioConfig = ConfigType<typeof studioConfig>;
export type StudioCredentials = StudioConfig['credentials'];
