import { readWatermark, WATERMARK_HEADER, watermarkRecord } from './watermark-record';

describe('watermark records', () => {
  it('carry their instant to the millisecond, floored so they never claim more', () => {
    const { headers } = watermarkRecord(1_764_500_000_123.9);
    expect(readWatermark({ headers, value: null })).toBe(1_764_500_000_123);
  });

  it('are told apart from events: a record with a value is never one', () => {
    const { headers } = watermarkRecord(1);
    expect(readWatermark({ headers, value: Buffer.from('{}') })).toBeUndefined();
    expect(readWatermark({ headers: {}, value: null })).toBeUndefined();
  });

  it.each(['', '-1', '1.5', 'soon', '9'.repeat(16)])('refuse the header %p', (header) => {
    expect(readWatermark({ headers: { [WATERMARK_HEADER]: header }, value: null })).toBeUndefined();
  });
});
