// `npm run bench:studio`: is the studio's page smooth through a burst of 1,000 writes? Chromium
// renders the page while the studio sends the writes; frame gaps (requestAnimationFrame) and long
// tasks (over 50 ms on the main thread) are counted for the burst and two seconds after it.
import { provideInfrastructure } from '../test/setup/infrastructure';
import { launchChromium } from '../test/support/chromium';
import { TestStack } from '../test/support/stack';

const BURST = Number(process.env.BENCH_BURST ?? 1000);
const RUNS = 3;

const say = (line: string) => process.stdout.write(`${line}\n`);

const START_WATCHING = `(() => {
  window.__long = []; window.__gaps = []; let last = performance.now();
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
  const frame = (t) => { window.__gaps.push(t - last); last = t; window.__raf = requestAnimationFrame(frame); };
  window.__raf = requestAnimationFrame(frame);
})()`;

const STOP_WATCHING = `(() => {
  cancelAnimationFrame(window.__raf);
  const gaps = window.__gaps.slice(1).sort((a, b) => a - b);
  const at = (q) => gaps[Math.max(0, Math.ceil(q * gaps.length) - 1)];
  return { frames: gaps.length, p50: at(0.5), p99: at(0.99), max: gaps[gaps.length - 1],
    over50: gaps.filter((g) => g > 50).length, longTasks: window.__long.length,
    longestTask: Math.max(0, ...window.__long), rows: document.querySelectorAll('li.journey').length };
})()`;

interface Frames {
  frames: number;
  p50: number;
  p99: number;
  max: number;
  over50: number;
  longTasks: number;
  longestTask: number;
  rows: number;
}

async function main(): Promise<void> {
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  const stack = await TestStack.start();
  const browser = await launchChromium();
  try {
    const studio = await stack.startStudio();
    say(
      `| run | writes | burst s | frames | frame gap p50 / p99 / max, ms | gaps > 50 ms | long tasks (longest, ms) | rows |`,
    );
    say('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (let run = 1; run <= RUNS; run++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(studio.url);
      await page.getByText('1/1 connected').waitFor();
      await page.getByRole('button', { name: 'New cart' }).click();
      await page.getByText('cart created at v0').waitFor();
      await page.evaluate(START_WATCHING);
      const started = Date.now();
      await page.getByLabel('Burst of').fill(String(BURST));
      await page.getByRole('button', { name: 'Send burst' }).click();
      await page.getByText(/burst: \d+ acknowledged/).waitFor({ timeout: 300_000 });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      await page.waitForTimeout(2000);
      const f = (await page.evaluate(STOP_WATCHING)) as Frames;
      const ms = (value: number) => value.toFixed(1);
      say(
        `| ${run} | ${BURST} | ${seconds} | ${f.frames} | ${ms(f.p50)} / ${ms(f.p99)} / ${ms(f.max)} | ${f.over50} | ` +
          `${f.longTasks} (${ms(f.longestTask)}) | ${f.rows} |`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await stack.stop();
    await infra.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
