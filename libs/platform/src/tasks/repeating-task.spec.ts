import { Logger } from '@nestjs/common';
import { RepeatingTask } from './repeating-task';

describe('RepeatingTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs again only once the last run ended, goes on after a failure, and stops when told', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    let runs = 0;
    let finish: () => void = () => undefined;
    const task = new RepeatingTask(
      'the work',
      100,
      () => {
        runs++;
        if (runs === 2) return Promise.reject(new Error('down'));
        return new Promise<void>((resolve) => (finish = resolve));
      },
      logger,
    );
    task.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    await jest.advanceTimersByTimeAsync(100);
    expect(warn).toHaveBeenCalledWith('the work failed: down');
    expect(runs).toBe(3);
    task.stop();
    finish();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(3);
  });
});
