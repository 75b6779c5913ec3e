import { ConfigType, registerAs } from '@nestjs/config';
import { z } from 'zod';
import {
  kafkaBrokersVar,
  logLevelVar,
  shutdownDrainMsVar,
  parseEnv,
  portVar,
  postgresUrlVar,
  sessionTokenSecretVar,
  authJwtSecretVar,
  topicVar,
} from '@converge/platform';
import { CART_EVENTS_TOPIC, deadLetterTopicOf } from '@converge/contracts';

export const cartQueryEnv = z
  .object({
    CART_QUERY_PORT: portVar(3001),
    CART_QUERY_DATABASE_URL: postgresUrlVar('postgres://postgres@127.0.0.1:5432/cart_query'),
    KAFKA_BROKERS: kafkaBrokersVar,
    SESSION_TOKEN_SECRET: sessionTokenSecretVar,
    AUTH_JWT_SECRET: authJwtSecretVar,
    LOG_LEVEL: logLevelVar,
    SHUTDOWN_DRAIN_MS: shutdownDrainMsVar,
    CART_EVENTS_TOPIC: topicVar(CART_EVENTS_TOPIC),
    CART_QUERY_GROUP_ID: z.string().min(1).max(200).default('cart-query'),
    SESSION_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(2000),
    CONSUMER_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .transform((env) => ({
    port: env.CART_QUERY_PORT,
    databaseUrl: env.CART_QUERY_DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
    sessionTokenSecret: env.SESSION_TOKEN_SECRET,
    authJwtSecret: env.AUTH_JWT_SECRET,
    logLevel: env.LOG_LEVEL,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    eventsTopic: env.CART_EVENTS_TOPIC,
    deadLetterTopic: deadLetterTopicOf(env.CART_EVENTS_TOPIC),
    groupId: env.CART_QUERY_GROUP_ID,
    sessionWaitMs: env.SESSION_WAIT_MS,
    /** Events applied per read-model transaction at most; 1 is the naive baseline. */
    consumerMaxBatch: env.CONSUMER_MAX_BATCH,
  }));

/** The Cart-Query service's whole configuration, read from the environment once and validated. */
export const cartQueryConfig = registerAs('cartQuery', () => parseEnv(cartQueryEnv, process.env));
export type CartQueryConfig = ConfigType<typeof cartQueryConfig>;
