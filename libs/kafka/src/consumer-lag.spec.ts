import { consumerLag } from './consumer-lag';

describe('consumerLag', () => {
  it('is the high watermark minus the committed offset, per partition in partition order', () => {
    expect(
      consumerLag(
        [
          { partition: 1, low: '0', high: '10' },
          { partition: 0, low: '0', high: '7' },
        ],
        [
          { partition: 0, offset: '7' },
          { partition: 1, offset: '4' },
        ],
      ),
    ).toEqual([
      { partition: 0, lag: 0 },
      { partition: 1, lag: 6 },
    ]);
  });

  it('counts everything still on the log when the group has committed nothing (-1)', () => {
    expect(consumerLag([{ partition: 0, low: '3', high: '9' }], [{ partition: 0, offset: '-1' }])).toEqual([
      { partition: 0, lag: 6 },
    ]);
  });

  it('treats a partition the group never reported as nothing committed', () => {
    expect(consumerLag([{ partition: 2, low: '0', high: '5' }], [])).toEqual([{ partition: 2, lag: 5 }]);
  });

  it('does not count messages retention deleted before the committed offset was reached', () => {
    expect(consumerLag([{ partition: 0, low: '100', high: '120' }], [{ partition: 0, offset: '40' }])).toEqual([
      { partition: 0, lag: 20 },
    ]);
  });

  it('is never negative, and exact beyond 2^53 offsets', () => {
    expect(consumerLag([{ partition: 0, low: '0', high: '5' }], [{ partition: 0, offset: '6' }])).toEqual([
      { partition: 0, lag: 0 },
    ]);
    expect(
      consumerLag(
        [{ partition: 0, low: '0', high: '9007199254740995' }],
        [{ partition: 0, offset: '9007199254740993' }],
      ),
    ).toEqual([{ partition: 0, lag: 2 }]);
  });
});
