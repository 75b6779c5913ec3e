import { JourneyBoard, type PublishedEvent } from './journey-board';

const CART = '2f1c7a4e-6d0b-4b8e-9a51-3c2d1e0f9a87';
const T0 = Date.parse('2026-11-30T12:00:00.000Z');

function event(version: number, at = T0 + version * 100, overrides: Partial<PublishedEvent> = {}): PublishedEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    cartId: CART,
    version,
    type: version === 0 ? 'CartCreated' : 'ItemAdded',
    occurredAt: new Date(at).toISOString(),
    partition: 1,
    offset: String(version),
    timestamp: at + 3,
    ...overrides,
  };
}

describe('JourneyBoard', () => {
  it('joins what the topic, the applied stream and a read say of one event, whichever speaks first', () => {
    const board = new JourneyBoard();
    board.published(event(0, T0, { owner: 'alice' }));
    board.applied([{ cartId: CART, version: 0, at: T0 + 12 }]);
    board.visible(CART, 0, T0 + 15);
    // The read model applied v1 before the studio's consumer saw it.
    board.applied([{ cartId: CART, version: 1, at: T0 + 140 }]);
    board.published(event(1));

    const [v1, v0] = board.recent();
    expect(v0).toMatchObject({
      version: 0,
      committedAt: T0,
      publishedAt: T0 + 3,
      appliedAt: T0 + 12,
      visibleAt: T0 + 15,
    });
    expect(v1).toMatchObject({ version: 1, appliedAt: T0 + 140 });
    expect(v1.visibleAt).toBeUndefined();
    expect(board.ownerOf(CART)).toBe('alice');
    const { lag, totals } = board.update();
    expect(totals).toEqual({ published: 2, applied: 2, visible: 1 });
    expect(lag.total).toBe(2);
    expect(lag.p50).toBe(12);
  });

  it('does not take an older notice of the same version for a later event (a snapshot re-sends a version)', () => {
    const board = new JourneyBoard();
    board.published(event(3));
    board.applied([{ cartId: CART, version: 3, at: T0 + 320 }]);
    const snapshot = board.published(
      event(3, T0 + 5000, { eventId: '11111111-0000-4000-8000-000000000003', type: 'CartSnapshot' }),
    );
    expect(snapshot.appliedAt).toBeUndefined();
    board.applied([{ cartId: CART, version: 3, at: T0 + 5010 }]);
    expect(board.recent()[0]).toMatchObject({ type: 'CartSnapshot', appliedAt: T0 + 5010 });
  });

  it('marks a version visible only once it was applied, and one notice covers the versions below it', () => {
    const board = new JourneyBoard();
    for (const version of [1, 2, 3]) board.published(event(version));
    board.visible(CART, 3, T0 + 400);
    expect(board.recent().map((j) => j.visibleAt)).toEqual([undefined, undefined, undefined]);
    board.applied([{ cartId: CART, version: 3, at: T0 + 450 }]);
    board.visible(CART, 3, T0 + 452);
    expect(board.recent().map((j) => [j.version, j.appliedAt, j.visibleAt])).toEqual([
      [3, T0 + 450, T0 + 452],
      [2, T0 + 450, T0 + 452],
      [1, T0 + 450, T0 + 452],
    ]);
  });

  it('keeps each update bounded, counting what it leaves out, and sends a change once', () => {
    const board = new JourneyBoard({ perUpdate: 2 });
    for (const version of [1, 2, 3, 4, 5]) board.published(event(version));
    const first = board.update();
    expect(first.journeys.map((j) => j.version)).toEqual([4, 5]);
    expect(first.omitted).toBe(3);
    expect(board.update().journeys).toEqual([]);
  });

  it('forgets the oldest journeys past its limit', () => {
    const board = new JourneyBoard({ journeys: 3 });
    for (const version of [1, 2, 3, 4, 5]) board.published(event(version));
    expect(board.recent().map((j) => j.version)).toEqual([5, 4, 3]);
  });

  it("shows a cart's window: behind since its oldest unapplied commit, level once the read model catches up", () => {
    const board = new JourneyBoard();
    board.published(event(1));
    board.published(event(2));
    expect(board.window(CART)).toMatchObject({ writeVersion: 2, readVersion: -1, behindSince: T0 + 100 });
    board.applied([{ cartId: CART, version: 1, at: T0 + 150 }]);
    expect(board.window(CART)).toMatchObject({ readVersion: 1, behindSince: T0 + 200 });
    board.applied([{ cartId: CART, version: 2, at: T0 + 260 }]);
    expect(board.window(CART)).toMatchObject({ readVersion: 2, behindSince: undefined });
  });
});
