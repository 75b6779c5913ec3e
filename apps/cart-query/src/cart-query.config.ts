import { ConfigType, registerAs } from '@nestjs/config';
import { z } from 'zod';
import {
  kafkaBrokersVar,
  logLevelVar,
  parseEnv,
  portVar,
  postgresUrlVar,
  sessionTokenSecretVar,
} from '@converge/platform';

const cartQueryEnv = z
  .object({
    CART_QUERY_PORT: portVar(3001),
    CART_QUERY_DATABASE_URL: postgresUrlVar('postgres://postgres@127.0.0.1:5432/cart_query'),
    KAFKA_BROKERS: kafkaBrokersVar,
    SESSION_TOKEN_SECRET: sessionTokenSecretVar,
    LOG_LEVEL: logLevelVar,
  })
  .transform((env) => ({
    port: env.CART_QUERY_PORT,
    databaseUrl: env.CART_QUERY_DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
    sessionTokenSecret: env.SESSION_TOKEN_SECRET,
    logLevel: env.LOG_LEVEL,
  }));

/** The Cart-Query service's whole configuration, read from the environment once and validated. */
export const cartQueryConfig = registerAs('cartQuery', () => parseEnv(cartQueryEnv, process.env));
export type CartQueryConfig = ConfigType<typeof cartQueryConfig>;
