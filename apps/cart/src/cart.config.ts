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

const cartEnv = z
  .object({
    CART_PORT: portVar(3000),
    CART_DATABASE_URL: postgresUrlVar('postgres://postgres@127.0.0.1:5432/cart'),
    KAFKA_BROKERS: kafkaBrokersVar,
    SESSION_TOKEN_SECRET: sessionTokenSecretVar,
    LOG_LEVEL: logLevelVar,
  })
  .transform((env) => ({
    port: env.CART_PORT,
    databaseUrl: env.CART_DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
    sessionTokenSecret: env.SESSION_TOKEN_SECRET,
    logLevel: env.LOG_LEVEL,
  }));

/** The Cart service's whole configuration, read from the environment once and validated. */
export const cartConfig = registerAs('cart', () => parseEnv(cartEnv, process.env));
export type CartConfig = ConfigType<typeof cartConfig>;
