import { InvalidConfigError } from '@converge/platform';

/** kafkajs's error when the broker answered and refused the SASL credentials. */
function saslRefusal(error: unknown): Error | undefined {
  for (let cause = error; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    if (cause.name === 'KafkaJSSASLAuthenticationError') return cause;
  }
  return undefined;
}

/**
 * Refused credentials are the operator's to fix, not an outage to wait out: a configuration error
 * naming the variables (never their values), which the services stop on. Undefined for any other error.
 */
export function refusedCredentials(error: unknown): InvalidConfigError | undefined {
  const refusal = saslRefusal(error);
  if (!refusal) return undefined;
  return new InvalidConfigError([
    `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD were refused by the broker: ${refusal.message}`,
  ]);
}
