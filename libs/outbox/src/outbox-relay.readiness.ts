import type { EventBroker } from '@converge/kafka';
import type { ReadinessCheck } from '@converge/platform';
import type { OutboxRelay } from './outbox-relay';

/**
 * Writes need only the outbox, so a Kafka outage must not pull a writer out of a load balancer:
 * the relay is always ready, and says whether this instance leads and whether a broker answers.
 */
export function outboxRelayReadiness(relay: Pick<OutboxRelay, 'isLeader'>, broker: EventBroker): ReadinessCheck {
  return {
    name: 'relay',
    probe: async (timeoutMs) => {
      const reachable = await broker.ping(timeoutMs).then(
        () => ({ broker: 'up' }),
        (error: unknown) => ({ broker: 'down', brokerError: error instanceof Error ? error.message : String(error) }),
      );
      return { leader: relay.isLeader, ...reachable };
    },
  };
}
