/**
 * Opens a saved report the way a reader would, with the network off: Chromium offline, and every request
 * that is not the file itself refused and recorded. Used by the UI and end-to-end tests.
 */
import type { Browser } from 'playwright-core';

export interface OfflineReport {
  /** SVG elements in each chart section, in order. */
  charts: number[];
  answer: string;
  title: string;
  /** Script or image elements on the page (a report has none). */
  active: number;
  /** Everything the page tried to fetch besides its own file. */
  requests: string[];
  errors: string[];
}

export async function openOffline(browser: Browser, path: string): Promise<OfflineReport> {
  const context = await browser.newContext({ offline: true });
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${path}`);
    const sections = page.locator('section.chart');
    const charts: number[] = [];
    for (let i = 0; i < (await sections.count()); i++) charts.push(await sections.nth(i).locator('svg').count());
    return {
      charts,
      answer: (await page.locator('#answer').innerText()).replace(/\s+/g, ' '),
      title: await page.title(),
      active: await page.locator('script, img').count(),
      requests,
      errors,
    };
  } finally {
    await context.close();
  }
}
