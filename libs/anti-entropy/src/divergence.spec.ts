import { divergences } from './divergence';
import type { Difference } from './digest-tree';

const diff = (id: string, localVersion?: number, referenceVersion?: number): Difference => ({
  id,
  leaf: '000',
  localVersion,
  referenceVersion,
});
const ids = (found: Difference[]) => found.map((d) => d.id).sort();

describe('divergences', () => {
  it('calls a difference that went away, or a local side catching up, in flight', () => {
    expect(divergences([diff('a', 3, 5)], [])).toEqual([]);
    expect(divergences([diff('b', 3, 5)], [diff('b', 4, 6)])).toEqual([]);
    expect(divergences([diff('c', undefined, 0)], [diff('c', 2, 4)])).toEqual([]);
  });

  it('finds other content at one version, a local side ahead, or one that stopped behind', () => {
    const found = divergences(
      [diff('same', 5, 5), diff('ahead', 99, 5), diff('stuck', 3, 5), diff('stuck-busy', 3, 5)],
      [diff('same', 5, 6), diff('ahead', 99, 7), diff('stuck', 3, 5), diff('stuck-busy', 3, 9)],
    );
    expect(ids(found)).toEqual(['ahead', 'same', 'stuck', 'stuck-busy']);
  });

  it('finds a row one side lacks both times, and only then', () => {
    const found = divergences(
      [diff('lost', undefined, 4), diff('extra', 2, undefined), diff('new', undefined, 0)],
      [diff('lost', undefined, 6), diff('extra', 2, undefined), diff('new', 0, 1)],
    );
    expect(ids(found)).toEqual(['extra', 'lost']);
  });

  it('ignores what the second look found that the first did not', () => {
    expect(divergences([], [diff('late', 5, 5)])).toEqual([]);
  });
});
