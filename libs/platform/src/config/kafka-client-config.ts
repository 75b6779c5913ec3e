import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';

/** A variable given empty (as docker-compose passes an unset host variable) is not given. */
const unsetWhenEmpty = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

export const KAFKA_SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How a service authenticates to Kafka. No mechanism: no SASL, as against the local broker. The
 * broker's ACLs bind to the user, so each service has its own.
 */
export const kafkaClientVars = {
  KAFKA_SASL_MECHANISM: unsetWhenEmpty(z.enum(KAFKA_SASL_MECHANISMS).optional()),
  KAFKA_SASL_USERNAME: unsetWhenEmpty(z.string().max(256).optional()),
  KAFKA_SASL_PASSWORD: unsetWhenEmpty(z.string().max(1024).optional()),
  KAFKA_SSL: unsetWhenEmpty(z.enum(['true', 'false']).default('false')),
  /** PEM bundle of the CAs the broker's certificate may chain to; without it, the system's. */
  KAFKA_SSL_CA_FILE: unsetWhenEmpty(z.string().max(4096).optional()),
};

type KafkaClientEnv = {
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SSL: 'true' | 'false';
  KAFKA_SSL_CA_FILE?: string;
};

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Half a credential is refused rather than dropped: a service that silently connected without SASL
 * would only fail later, at the broker, with a less telling error.
 */
export function refuseIncompleteKafkaClient(env: KafkaClientEnv, ctx: z.RefinementCtx): void {
  const issue = (name: keyof KafkaClientEnv, message: string) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message });
  if (env.KAFKA_SASL_MECHANISM) {
    if (env.KAFKA_SASL_USERNAME === undefined) issue('KAFKA_SASL_USERNAME', 'is required with KAFKA_SASL_MECHANISM');
    if (env.KAFKA_SASL_PASSWORD === undefined) issue('KAFKA_SASL_PASSWORD', 'is required with KAFKA_SASL_MECHANISM');
  } else if (env.KAFKA_SASL_USERNAME !== undefined || env.KAFKA_SASL_PASSWORD !== undefined) {
    issue(
      'KAFKA_SASL_MECHANISM',
      `is required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD (one of ${KAFKA_SASL_MECHANISMS.join(', ')})`,
    );
  }
  if (env.KAFKA_SSL_CA_FILE !== undefined) {
    if (env.KAFKA_SSL !== 'true') issue('KAFKA_SSL_CA_FILE', 'is for KAFKA_SSL=true');
    else if (!readable(env.KAFKA_SSL_CA_FILE)) issue('KAFKA_SSL_CA_FILE', 'is not a readable file');
  }
}

/** One shape per mechanism, as kafkajs takes them. */
export type KafkaSaslCredential = {
  [M in KafkaSaslMechanism]: { mechanism: M; username: string; password: string };
}[KafkaSaslMechanism];

export interface KafkaClientSecurity {
  sasl?: KafkaSaslCredential;
  /** TLS to the brokers; `ca` replaces the system's trusted CAs. */
  ssl?: { ca?: string };
}

/** Call on an environment refuseIncompleteKafkaClient has passed. */
export function kafkaClientSecurityOf(env: KafkaClientEnv): KafkaClientSecurity {
  const security: KafkaClientSecurity = {};
  if (env.KAFKA_SASL_MECHANISM) {
    security.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME as string,
      password: env.KAFKA_SASL_PASSWORD as string,
    };
  }
  if (env.KAFKA_SSL === 'true') {
    security.ssl = env.KAFKA_SSL_CA_FILE ? { ca: readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8') } : {};
  }
  return security;
}
