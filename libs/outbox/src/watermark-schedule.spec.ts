import { WatermarkSchedule } from './watermark-schedule';

describe('WatermarkSchedule', () => {
  it('lets one watermark through per busy interval', () => {
    let now = 0;
    const schedule = new WatermarkSchedule({ topics: ['t'], busyEveryMs: 100 }, () => now);
    expect(schedule.due).toBe(true);
    schedule.sent();
    now = 99;
    expect(schedule.due).toBe(false);
    now = 100;
    expect(schedule.due).toBe(true);
  });

  it('shortens the idle wait to the idle interval, never lengthens it', () => {
    const schedule = new WatermarkSchedule({ topics: ['t'], idleEveryMs: 1000 });
    expect(schedule.idleWait(60_000)).toBe(1000);
    expect(schedule.idleWait(200)).toBe(200);
  });
});
