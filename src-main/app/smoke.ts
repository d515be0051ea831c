/**
 * `--smoke-test` (or EPOCHLAB_SMOKE_TEST=1): runs services/smoke-test.ts inside the app, packaged or not,
 * prints its report as one JSON line and exits 0 when it passed, 1 when not (docs/reliability.md A5).
 * Only the Electron wiring lives here: a profile of its own, the hidden window, the fuse reader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { app, BrowserWindow } from 'electron';
import type { EpochlabServices } from '../contract/api';
import { describeError } from '../services/dispatch';
import { readFuses } from '../services/fuses';
import { runSmokeTest, type WindowCheck } from '../services/smoke-test';
import { setupIpc } from './ipc';
import type { AppDependencies } from './main';
import { builtApp, type AppPage } from './page';
import { setupSecurity } from './security';
import type { SmokeRequest } from './smoke-request';
import { mainWindowOptions } from './window';

export const WINDOW_TIMEOUT_MS = 30_000;

/** Evaluated in the page: is the preload's bridge there, and what does the page say. */
const PAGE_PROBE = "({ bridge: typeof window.epochlab === 'object' && window.epochlab !== null, text: document.body ? document.body.innerText : '' })";

interface PageState {
  bridge: boolean;
  text: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads the app's page in a hidden window wired to these services exactly as the main window is, and waits
 * until it shows `expectText` (the experiment the smoke test trained): proof that the renderer, the preload,
 * IPC and the services work together inside the package.
 */
export async function checkWindowShows(page: AppPage, preload: string, services: EpochlabServices, expectText: string, log: (line: string) => void, timeoutMs = WINDOW_TIMEOUT_MS): Promise<WindowCheck> {
  const win = new BrowserWindow({ ...mainWindowOptions(preload, false), show: false });
  const disposeIpc = setupIpc(services, { page, windows: () => [win], log });
  try {
    await (page.kind === 'dev' ? win.loadURL(page.url) : win.loadFile(page.indexHtml));
    const deadline = Date.now() + timeoutMs;
    let state: PageState = { bridge: false, text: '' };
    for (;;) {
      state = (await win.webContents.executeJavaScript(PAGE_PROBE)) as PageState;
      if (state.bridge && state.text.includes(expectText)) return { ok: true, detail: `the page shows “${expectText}” through the preload bridge` };
      if (Date.now() >= deadline) break;
      await sleep(250);
    }
    if (!state.bridge) return { ok: false, detail: 'the page loaded without the preload bridge (window.epochlab)' };
    return { ok: false, detail: `the page did not show “${expectText}” within ${timeoutMs / 1000} s; it shows ${JSON.stringify(state.text.slice(0, 200))}` };
  } finally {
    disposeIpc();
    if (!win.isDestroyed()) win.destroy();
  }
}

export interface SmokeOutput {
  write(text: string): void;
  windowTimeoutMs?: number;
}

export async function runSmokeTestInApp(deps: AppDependencies, request: SmokeRequest, output: SmokeOutput = { write: (text) => process.stdout.write(text) }): Promise<void> {
  const log = deps.log ?? ((line: string) => console.error(line));
  // A throwaway Chromium profile: the smoke test never touches the user's, nor the single-instance lock.
  app.setPath('userData', mkdtempSync(path.join(tmpdir(), 'epochlab-smoke-profile-')));
  // Electron quits when its last window closes unless someone listens: the hidden window closes mid-test.
  app.on('window-all-closed', () => undefined);
  app.enableSandbox();
  await app.whenReady();
  const { page, preload } = builtApp(deps.mainDir, app.isPackaged, process.env.ELECTRON_RENDERER_URL);
  setupSecurity(page);

  const report = await runSmokeTest({
    about: { version: app.getVersion(), electron: process.versions.electron ?? null, platform: process.platform, arch: process.arch },
    openServices: (dataDir) => deps.createServices({ dataDir }),
    readFuses: async () => (app.isPackaged ? { packaged: true, binary: process.execPath, fuses: await readFuses(process.execPath) } : { packaged: false }),
    checkWindow: (services, expectText) => checkWindowShows(page, preload, services, expectText, log, output.windowTimeoutMs),
  });
  const line = `${JSON.stringify(report)}\n`;
  output.write(line);
  if (request.reportFile) {
    try {
      writeFileSync(request.reportFile, line);
    } catch (error) {
      log(`error: cannot write the smoke test report to ${request.reportFile}: ${describeError(error)}`);
      app.exit(1);
      return;
    }
  }
  app.exit(report.ok ? 0 : 1);
}
