import { z } from 'zod';

/** Thrown at start-up when the environment does not describe a runnable service. */
export class InvalidConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const portVar = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const postgresUrlVar = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
      message: 'must be a postgres URL such as postgres://user@host:5432/database',
    });

export const kafkaBrokersVar = z
  .string()
  .default('127.0.0.1:9092')
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .refine((brokers) => brokers.length > 0 && brokers.every((b) => /^[^:\s]+:\d{1,5}$/.test(b)), {
    message: 'must be a comma-separated list of host:port',
  });

/** Lets tests give each run a topic of its own; deployments keep the default. */
export const topicVar = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a Kafka topic name')
    .default(fallback);

/** How long a stopping service stays up, not ready, serving requests already on their way. */
export const shutdownDrainMsVar = z.coerce.number().int().min(0).max(60_000).default(500);

export const logLevelVar = z.enum(LOG_LEVELS).default('log');

/** An HMAC key: required, and long enough that guessing it is hopeless. */
const secretVar = () =>
  z
    .string({ required_error: 'is required (at least 32 bytes)' })
    .refine((value) => Buffer.byteLength(value, 'utf8') >= 32, { message: 'must be at least 32 bytes' });

/** HMAC key for read-your-writes tokens; both services must share it. */
export const sessionTokenSecretVar = secretVar();

/**
 * Parses the environment once, at start-up, and names every bad variable in one message.
 * Secrets are never echoed: only the variable name and the rule it broke.
 */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data as z.output<S>;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'} ${issue.message}`);
  throw new InvalidConfigError(problems);
}

/** Which access tokens the services accept: their `iss`, their `aud`, and their longest lifetime (exp − iat). */
export const accessTokenPolicyVars = {
  AUTH_JWT_ISSUER: z.string().min(1).max(200).default('converge'),
  AUTH_JWT_AUDIENCE: z.string().min(1).max(200).default('converge'),
  AUTH_JWT_MAX_LIFETIME_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
};

export function accessTokenPolicyOf(env: {
  AUTH_JWT_ISSUER: string;
  AUTH_JWT_AUDIENCE: string;
  AUTH_JWT_MAX_LIFETIME_SECONDS: number;
}): { issuer: string; audience: string; maxLifetimeSeconds: number } {
  return {
    issuer: env.AUTH_JWT_ISSUER,
    audience: env.AUTH_JWT_AUDIENCE,
    maxLifetimeSeconds: env.AUTH_JWT_MAX_LIFETIME_SECONDS,
  };
}
