import { Logger } from '@nestjs/common';
import { ScrapeSource } from './scrape-source';

describe('ScrapeSource', () => {
  const logger = new Logger('test');
  let warn: jest.SpyInstance;

  beforeEach(() => (warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined)));

  it('yields what the read answers', async () => {
    await expect(new ScrapeSource('x', async () => 3, logger).value()).resolves.toBe(3);
    expect(warn).not.toHaveBeenCalled();
  });

  it('yields undefined and warns when the read fails', async () => {
    const source = new ScrapeSource<number>('the backlog', () => Promise.reject(new Error('down')), logger);
    await expect(source.value()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/the backlog.*down/));
  });

  it('gives up on a read that outlasts the timeout, and shares it with the next scrape instead of piling up', async () => {
    let reads = 0;
    let answer: (value: number) => void = () => undefined;
    const source = new ScrapeSource<number>(
      'lag',
      () => {
        reads++;
        return new Promise<number>((resolve) => (answer = resolve));
      },
      logger,
      20,
      0,
    );
    await expect(source.value()).resolves.toBeUndefined();
    const next = source.value();
    answer(5);
    await expect(next).resolves.toBe(5);
    expect(reads).toBe(1);
    const after = source.value();
    answer(6);
    await expect(after).resolves.toBe(6);
    expect(reads).toBe(2);
  });

  it('answers a value read within the last second again, however often it is scraped', async () => {
    let reads = 0;
    const source = new ScrapeSource<number>('backlog', async () => ++reads, logger);
    const values = await Promise.all(Array.from({ length: 20 }, () => source.value()));
    expect(new Set(values)).toEqual(new Set([1]));
    await expect(source.value()).resolves.toBe(1);
    expect(reads).toBe(1);
  });
});
