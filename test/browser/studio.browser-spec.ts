import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CartClient } from '../support/cart-client';
import { launchChromium, SCREENSHOTS_DIR } from '../support/chromium';
import { Cleanup } from '../support/cleanup';
import type { ServiceProcess } from '../support/service-process';
import { TestStack } from '../support/stack';

const SESSION_WAIT_MS = 1500;

describe('the studio page, in real Chromium', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let studio: ServiceProcess;
  let browser: Browser;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start({ env: { SESSION_WAIT_MS: String(SESSION_WAIT_MS) } }), (s) => s.stop());
    studio = await stack.startStudio();
    browser = cleanup.add(await launchChromium(), (b) => b.close());
  });
  afterAll(() => cleanup.run());

  /** A fresh page; every console error or uncaught exception it has is collected. */
  async function open(width = 1280, height = 800): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height } });
    cleanup.add(page, (p) => p.close());
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(studio.url);
    await page.getByText('1/1 connected').waitFor();
    return { page, errors };
  }

  const row = (page: Page, cartId: string, version: number) =>
    page.locator(`li.journey[data-cart-id="${cartId}"][data-version="${version}"]`);

  it('loads clean, at 1280×800 and at 420 px wide, with every control labelled', async () => {
    for (const [width, height, name] of [
      [1280, 800, 'studio-1280'],
      [420, 900, 'studio-420'],
    ] as const) {
      const { page, errors } = await open(width, height);
      for (const label of ['Sku', 'Qty', 'min ms', 'max ms']) expect(await page.getByLabel(label).count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Pause consumption' }).isVisible()).toBe(true);
      // Nothing wider than the screen: the page reflows rather than scrolling sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`) });
      expect(errors).toEqual([]);
    }
  });

  it('shows a write made outside the page in the feed, with its full cart id and every stage, within 5 s', async () => {
    const { page, errors } = await open();
    const outsider = new CartClient(stack.cart[0].url);
    const created = await outsider.createCart();
    await outsider.addItem(created.body.id, 'plum', 3, created.token);
    const journey = row(page, created.body.id, 1);
    await journey.getByText(/visible \+\d+ ms/).waitFor({ timeout: 15_000 });
    expect(await journey.locator('.cart').textContent()).toBe(created.body.id);
    expect(await journey.locator('.hops').textContent()).toMatch(
      /committed [\d:.]+ · published \+\d+ ms · applied \+\d+ ms · visible \+\d+ ms/,
    );
    expect(await journey.locator('.seg.relay, .seg.consume, .seg.read').count()).toBe(3);
    // The sync indicator: the read model's watermark age, which the relay keeps fresh even when idle.
    await page.locator('#watermark-age', { hasText: /^\d+(\.\d)? m?s ago$/ }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'studio-journey.png') });
    expect(errors).toEqual([]);
  });

  it('pausing consumption leaves the token-less pane on an older version while the token pane waits; resuming converges', async () => {
    const { page, errors } = await open();
    const eventual = page.locator('#pane-eventual');
    const session = page.locator('#pane-session');
    await page.getByRole('button', { name: 'New cart' }).click();
    await page.getByText('cart created at v0').waitFor();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await session.locator('.version', { hasText: 'v1' }).waitFor();
    await eventual.locator('.version', { hasText: 'v1' }).waitFor();

    await page.getByRole('button', { name: 'Pause consumption' }).click();
    cleanup.add(stack, async () => {
      const resume = page.getByRole('button', { name: 'Resume consumption' });
      if (await resume.isVisible()) await resume.click();
    });
    await page.getByRole('button', { name: 'Resume consumption' }).waitFor();
    await page.getByLabel('Burst of').fill('5');
    await page.getByRole('button', { name: 'Send burst' }).click();
    await page.getByText(/burst: 5 acknowledged/).waitFor();
    // The eventual reader answers at once, from a model that stopped at v1: stale, and says so.
    await page.locator('#pane-eventual.stale .version', { hasText: 'v1' }).waitFor();
    // The token reader holds out for v6, then is told the read model is behind: never v1.
    await page.locator('#pane-session.waiting .version', { hasText: 'needs v6' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'studio-paused.png') });

    await page.getByRole('button', { name: 'Resume consumption' }).click();
    await page.locator('#pane-session.fresh .version', { hasText: 'v6' }).waitFor();
    await page.locator('#pane-eventual.fresh .version', { hasText: 'v6' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('an injected replication delay shows in the measured window of every event', async () => {
    const { page, errors } = await open();
    await page.getByLabel('min ms').fill('300');
    await page.getByLabel('max ms').fill('400');
    await page.getByRole('button', { name: 'Inject delay' }).click();
    await page.getByText('injected: 300–400 ms before each batch').waitFor();
    try {
      const outsider = new CartClient(stack.cart[0].url);
      const created = await outsider.createCart();
      await outsider.addItem(created.body.id, 'fig', 1, created.token);
      const hops = row(page, created.body.id, 1).locator('.hops');
      await hops.getByText(/applied \+\d+ ms/).waitFor({ timeout: 15_000 });
      const applied = Number(/applied \+(\d+) ms/.exec((await hops.textContent()) ?? '')?.[1]);
      // Each batch waits at least the minimum after it was fetched, which is after it was published.
      expect(applied).toBeGreaterThanOrEqual(300);
    } finally {
      await page.getByRole('button', { name: 'No delay' }).click();
      await page.getByText('no delay injected').waitFor();
    }
    expect(errors).toEqual([]);
  });

  it('draws the measured window for no delay and 50–200 ms on one chart', async () => {
    const { page, errors } = await open(1280, 1000);
    // Enough rounds for a 50–200 ms delay to stand out of a loaded machine's own lag: with 5 a setting,
    // a few reads either way decided it.
    await page.getByLabel('Writes per setting').fill('20');
    await page.getByRole('button', { name: 'Measure the window' }).click();
    await page.getByText(/measured at/).waitFor({ timeout: 150_000 });
    expect(await page.locator('#window-chart polyline').count()).toBe(2);
    const rows = await page.locator('#window-table tr').allTextContents();
    expect(rows.map((row) => /^(no delay|delay \d+–\d+ ms)/.exec(row)?.[1])).toEqual(['no delay', 'delay 50–200 ms']);
    // The chart's points, read back: the delay leaves more reads stale, taken over every offset.
    const stale = async (series: number) =>
      (await page.locator(`#window-chart circle.series-${series} title`).allTextContents())
        .map((title) => Number(/(\d+)% stale/.exec(title)?.[1]))
        .reduce((sum, share) => sum + share, 0);
    expect(await stale(1)).toBeGreaterThan(await stale(0));
    await page.locator('#window-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'studio-window.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 200_000);
});
