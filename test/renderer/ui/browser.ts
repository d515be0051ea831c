/** Headless Chromium for the UI tests, collecting page errors and CSP violations as it goes. */
import { chromium, type Browser, type Page } from 'playwright-core';

export const RENDERER_DIR = new URL('../../../out/renderer/', import.meta.url).pathname.replace(/\/$/, '');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface WatchedPage {
  page: Page;
  errors: string[];
  /** CSP violations reported by the page itself (inline script, eval, foreign connections). */
  violations(): Promise<string[]>;
}

export async function openPage(browser: Browser, url: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'light' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // These functions run in the page (Playwright sends their source). They reach the page's globals through
  // a type-only cast, which disappears when compiled, because the root tsconfig that also checks tests
  // has no DOM library.
  await page.addInitScript(() => {
    const w = globalThis as unknown as PageGlobals;
    w.__violations = [];
    w.document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return {
    page,
    errors,
    violations: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__violations),
  };
}

/** The page's globals that the tests read, for code passed to page.evaluate / addInitScript. */
export interface PageGlobals {
  __violations: string[];
  __xss?: unknown;
  document: {
    addEventListener(type: 'securitypolicyviolation', listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
    querySelectorAll(selector: string): { length: number };
  };
  requestAnimationFrame(callback: () => void): void;
}
