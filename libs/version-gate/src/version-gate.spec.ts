import { decideVersion, VersionGate, type VersionedEvent } from './version-gate';

const event = (version: number, aggregateId = 'a', eventId = `${aggregateId}-${version}`): VersionedEvent => ({
  eventId,
  aggregateId,
  version,
});
const ids = (events: VersionedEvent[]) => events.map((e) => e.eventId);

describe('decideVersion', () => {
  it.each([
    [undefined, 0, 'apply'],
    [undefined, 1, 'gap'],
    [3, 4, 'apply'],
    [3, 3, 'stale'],
    [3, 1, 'stale'],
    [3, 5, 'gap'],
  ] as const)('current %s, incoming %s → %s', (current, incoming, decision) => {
    expect(decideVersion(current, incoming)).toBe(decision);
  });
});

describe('VersionGate.plan', () => {
  const gate = new VersionGate();

  it('applies consecutive versions in order, whatever order they arrive in within the batch', () => {
    const plan = gate.plan(new Map([['a', 0]]), [event(2), event(1), event(3)], []);
    expect(ids(plan.apply)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(plan.park).toEqual([]);
  });

  it('skips duplicates and stale versions under new ids', () => {
    const plan = gate.plan(new Map([['a', 5]]), [event(5), event(3, 'a', 'forged'), event(6)], []);
    expect(ids(plan.apply)).toEqual(['a-6']);
    expect(ids(plan.stale).sort()).toEqual(['a-5', 'forged']);
  });

  it('parks an event beyond a gap and never applies it out of order', () => {
    const plan = gate.plan(new Map([['a', 1]]), [event(3), event(4)], []);
    expect(plan.apply).toEqual([]);
    expect(ids(plan.park)).toEqual(['a-3', 'a-4']);
  });

  it('applies parked events once their predecessor arrives, and unparks them', () => {
    const plan = gate.plan(new Map([['a', 1]]), [event(2)], [event(3), event(4)]);
    expect(ids(plan.apply)).toEqual(['a-2', 'a-3', 'a-4']);
    expect(ids(plan.unpark)).toEqual(['a-3', 'a-4']);
    expect(plan.park).toEqual([]);
  });

  it('keeps a parked event parked while its gap stays open, without parking it twice', () => {
    const plan = gate.plan(new Map([['a', 1]]), [event(5)], [event(4)]);
    expect(plan.apply).toEqual([]);
    expect(ids(plan.park)).toEqual(['a-5']);
    expect(plan.unpark).toEqual([]);
  });

  it('unparks a parked event that went stale', () => {
    const plan = gate.plan(new Map([['a', 4]]), [], [event(3)]);
    expect(ids(plan.unpark)).toEqual(['a-3']);
    expect(plan.stale).toEqual([]);
  });

  it('starts a new aggregate at version 0', () => {
    const plan = gate.plan(new Map(), [event(0, 'b'), event(1, 'b'), event(1, 'c')], []);
    expect(ids(plan.apply)).toEqual(['b-0', 'b-1']);
    expect(ids(plan.park)).toEqual(['c-1']);
  });

  it('of two events claiming one version, applies the first to arrive and skips the other', () => {
    const plan = gate.plan(new Map([['a', 0]]), [event(1, 'a', 'first'), event(1, 'a', 'second')], []);
    expect(ids(plan.apply)).toEqual(['first']);
    expect(ids(plan.stale)).toEqual(['second']);
  });

  it('treats a redelivered event id once', () => {
    const plan = gate.plan(new Map([['a', 0]]), [event(1), event(1)], []);
    expect(ids(plan.apply)).toEqual(['a-1']);
    expect(plan.stale).toEqual([]);
  });

  describe('with an authoritative event (a snapshot)', () => {
    const snapshot = (version: number, eventId = `snap-${version}`): VersionedEvent => ({
      ...event(version, 'a', eventId),
      authoritative: true,
    });

    it('applies it over a gap, drops what is parked at or below it, and applies what follows it', () => {
      const parked = [event(4), event(5), event(7)];
      const plan = gate.plan(new Map([['a', 2]]), [snapshot(5), event(6)], parked);
      expect(ids(plan.apply)).toEqual(['snap-5', 'a-6', 'a-7']);
      expect(ids(plan.unpark).sort()).toEqual(['a-4', 'a-5', 'a-7']);
      expect(plan.park).toEqual([]);
    });

    it('applies it at the version the read model already claims, or below it', () => {
      expect(ids(gate.plan(new Map([['a', 5]]), [snapshot(5)], []).apply)).toEqual(['snap-5']);
      expect(ids(gate.plan(new Map([['a', 9]]), [snapshot(5)], []).apply)).toEqual(['snap-5']);
    });

    it('keeps only the latest of several, and settles what arrives with it at or below it', () => {
      const plan = gate.plan(new Map([['a', 1]]), [snapshot(3, 'first'), event(3), snapshot(4, 'second')], []);
      expect(ids(plan.apply)).toEqual(['second']);
      expect(ids(plan.stale).sort()).toEqual(['a-3', 'first']);
    });

    it('still parks what lies beyond a gap after it', () => {
      const plan = gate.plan(new Map(), [snapshot(3), event(5)], []);
      expect(ids(plan.apply)).toEqual(['snap-3']);
      expect(ids(plan.park)).toEqual(['a-5']);
    });
  });
});
