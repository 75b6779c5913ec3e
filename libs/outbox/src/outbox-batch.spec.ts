import { describeIds, groupByTopic, oldestCreatedAt, OutboxRow, toMessageHeaders } from './outbox-batch';

function row(id: number, topic: string, key: string, createdAt = new Date(1_700_000_000_000 + id)): OutboxRow {
  return { id: String(id), topic, key, value: `{"n":${id}}`, headers: { h: String(id) }, createdAt };
}

describe('groupByTopic', () => {
  it('keeps id order within each topic, topics in order of first appearance', () => {
    const rows = [row(1, 'a', 'k1'), row(2, 'b', 'k2'), row(3, 'a', 'k1'), row(4, 'b', 'k3'), row(5, 'a', 'k2')];
    const batches = groupByTopic(rows);
    expect(batches.map((batch) => batch.topic)).toEqual(['a', 'b']);
    expect(batches[0].ids).toEqual(['1', '3', '5']);
    expect(batches[1].ids).toEqual(['2', '4']);
    expect(batches[0].messages).toEqual([
      { key: 'k1', value: '{"n":1}', headers: { h: '1' } },
      { key: 'k1', value: '{"n":3}', headers: { h: '3' } },
      { key: 'k2', value: '{"n":5}', headers: { h: '5' } },
    ]);
  });

  it('makes no batch of no rows', () => {
    expect(groupByTopic([])).toEqual([]);
  });
});

describe('toMessageHeaders', () => {
  it('passes strings through and sends other JSON values as their text', () => {
    expect(toMessageHeaders({ a: 'x', b: 2, c: { d: true }, e: null })).toEqual({ a: 'x', b: '2', c: '{"d":true}' });
  });

  it('reads anything but an object as no headers', () => {
    expect(toMessageHeaders(null)).toEqual({});
    expect(toMessageHeaders(['x'])).toEqual({});
    expect(toMessageHeaders('x')).toEqual({});
  });
});

describe('describeIds', () => {
  it('names a range and a count, never the whole list', () => {
    expect(describeIds(['7', '8', '12'])).toBe('ids 7..12 (3 rows)');
    expect(describeIds(['7'])).toBe('id 7');
    expect(describeIds([])).toBe('no rows');
  });
});

describe('oldestCreatedAt', () => {
  it('is the earliest creation time, wherever it is in the batch', () => {
    const early = new Date('2020-01-01T00:00:00Z');
    expect(oldestCreatedAt([row(1, 'a', 'k'), row(2, 'a', 'k', early), row(3, 'a', 'k')])).toBe(early);
  });
});
