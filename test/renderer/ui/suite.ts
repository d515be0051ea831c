/** What a browser test file shares: one browser, one mock API, pages checked for errors and CSP violations at the end. */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, openPage, RENDERER_DIR, type WatchedPage } from './browser';
import { startMockServer, type MockServer } from './mock-server';

export interface BrowserSuite {
  /** Opens the app at `#hash`; the page is checked for errors when the file ends. */
  visit(hash: string): Promise<WatchedPage>;
  /** The mock API (valid inside tests, after `fill` ran). */
  readonly server: MockServer;
  /** A full-page screenshot for a human to look at (EPOCHLAB_UI_SHOTS=dir); nothing is compared against it. */
  shot(w: WatchedPage, name: string): Promise<void>;
}

export function browserSuite(fill: (server: MockServer) => void): BrowserSuite {
  const shots = process.env.EPOCHLAB_UI_SHOTS;
  if (shots) mkdirSync(shots, { recursive: true });
  let browser: Browser | undefined;
  let server: MockServer | undefined;
  const pages: WatchedPage[] = [];
  beforeAll(async () => {
    browser = await launch();
    server = await startMockServer(RENDERER_DIR);
    fill(server);
  });
  afterAll(async () => {
    for (const w of pages) {
      expect(w.errors).toEqual([]);
      expect(await w.violations()).toEqual([]);
    }
    await server?.close();
    await browser?.close();
  });
  return {
    async visit(hash) {
      const w = await openPage(browser!, `${server!.url}#${hash}`);
      pages.push(w);
      return w;
    },
    get server() {
      return server!;
    },
    async shot(w, name) {
      if (shots) await w.page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    },
  };
}
