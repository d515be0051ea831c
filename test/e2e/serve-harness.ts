// Starts the real `epochlab serve` (bundled CLI) on a free port with a temporary data folder, and a headless
// Debian Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ARTIFACTS = resolve('test-artifacts/e2e');
export const CHROMIUM = process.env.EPOCHLAB_CHROMIUM ?? '/usr/bin/chromium';

export interface Served {
  url: string;
  origin: string;
  dataDir: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its data folder unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** One API call through the page's session (its token cookie), expected to succeed; returns its answer. */
export async function callApi<T>(page: Page, served: Served, method: string, input: unknown = {}): Promise<T> {
  const response = await page.request.post(`${served.origin}/api/${method}`, { data: input });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as T;
}

/** `dataDir`: serve an existing data folder (a restart after a crash) instead of a fresh one. */
export async function startServe(extraArgs: string[] = [], options: { dataDir?: string } = {}): Promise<Served> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'epochlab-e2e-'));
  const child = spawn(process.execPath, [resolve('out/node/cli.js'), '--data-dir', dataDir, 'serve', '--port', '0', '--concurrency', '2', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    process: child,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A browser page that collects its uncaught errors, optionally in dark mode. */
export async function watchedPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/** Calls the served API with the page's cookie; `origin()` is read per call, so a restarted server is followed. */
export function servedApi(page: Page, origin: () => string) {
  return async <T>(method: string, input: unknown = {}): Promise<T> => {
    const response = await page.request.post(`${origin()}/api/${method}`, { data: input });
    if (response.status() !== 200) throw new Error(`${method}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as T;
  };
}
