/** What the gate needs to know of an event: which aggregate, which version, which event. */
export interface VersionedEvent {
  eventId: string;
  aggregateId: string;
  version: number;
  /**
   * Carries the aggregate's whole state (a snapshot): it applies whatever the read model holds,
   * and settles every other event at or below its version, parked or arriving.
   */
  authoritative?: boolean;
}

export type VersionDecision = 'apply' | 'stale' | 'gap';

/**
 * The read model holds `current` (undefined: nothing yet, so version 0 is next).
 * Only the next version applies; older ones are duplicates or stale; newer ones leave a gap.
 */
export function decideVersion(current: number | undefined, incoming: number): VersionDecision {
  const expected = current === undefined ? 0 : current + 1;
  if (incoming === expected) return 'apply';
  return incoming < expected ? 'stale' : 'gap';
}

export interface GatePlan<E extends VersionedEvent> {
  /** To apply, in this order: for each aggregate, consecutive versions from current + 1. */
  apply: E[];
  /** Arrived with a version already reached: skipped, never applied. */
  stale: E[];
  /** Arrived beyond a gap: kept aside until their predecessors arrive. */
  park: E[];
  /** Parked earlier and now settled (applied or gone stale): to be removed from the parking place. */
  unpark: E[];
}

/**
 * Orders a batch against the read model's versions. Arriving events and events parked earlier
 * are considered together, so a parked event is applied as soon as its predecessor arrives.
 */
export class VersionGate {
  plan<E extends VersionedEvent>(current: ReadonlyMap<string, number>, arriving: E[], parked: E[]): GatePlan<E> {
    const plan: GatePlan<E> = { apply: [], stale: [], park: [], unpark: [] };
    const parkedIds = new Set(parked.map((event) => event.eventId));
    for (const [aggregateId, events] of byAggregate(dedupe([...parked, ...arriving]))) {
      this.planAggregate(current.get(aggregateId), events, parkedIds, plan);
    }
    return plan;
  }

  private planAggregate<E extends VersionedEvent>(
    current: number | undefined,
    events: E[],
    parkedIds: Set<string>,
    plan: GatePlan<E>,
  ): void {
    // Stable sort: of two events claiming one version, the earlier (parked, then arrival order) wins.
    const sorted = [...events].sort((a, b) => a.version - b.version);
    const authority = latestAuthority(sorted);
    let version = current;
    for (const event of sorted) {
      const decision = authority ? decideUnder(authority, event, version) : decideVersion(version, event.version);
      const wasParked = parkedIds.has(event.eventId);
      if (decision === 'apply') {
        plan.apply.push(event);
        version = event.version;
      } else if (decision === 'stale') {
        if (!wasParked) plan.stale.push(event);
      } else if (!wasParked) {
        plan.park.push(event);
      }
      if (wasParked && decision !== 'gap') plan.unpark.push(event);
    }
  }
}

/** The highest-version authoritative event; of two at one version, the later arrival. */
function latestAuthority<E extends VersionedEvent>(sorted: E[]): E | undefined {
  return sorted.filter((event) => event.authoritative).at(-1);
}

/** With a snapshot in play: it applies, what it covers is settled, what follows it queues behind it. */
function decideUnder(authority: VersionedEvent, event: VersionedEvent, current: number | undefined): VersionDecision {
  if (event === authority) return 'apply';
  if (event.version <= authority.version) return 'stale';
  return decideVersion(current, event.version);
}

function dedupe<E extends VersionedEvent>(events: E[]): E[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.eventId) && seen.add(event.eventId));
}

function byAggregate<E extends VersionedEvent>(events: E[]): Map<string, E[]> {
  const groups = new Map<string, E[]>();
  for (const event of events) {
    const group = groups.get(event.aggregateId) ?? [];
    group.push(event);
    groups.set(event.aggregateId, group);
  }
  return groups;
}
