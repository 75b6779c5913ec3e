import type { ReadinessCheck } from '@converge/platform';
import type { EventBroker } from './event-broker';

/** Ready only while a Kafka broker answers: for a service that cannot do its work without one. */
export function brokerReadiness(broker: EventBroker): ReadinessCheck {
  return { name: 'kafka', probe: (timeoutMs) => broker.ping(timeoutMs) };
}
