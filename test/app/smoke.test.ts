// `--smoke-test` inside the app shell: the fake Electron, the real services training a real trial.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL, type ExperimentSummary, type InvokeResult } from '../../src-main/contract';
import type { AppDependencies } from '../../src-main/app/main';
import { runSmokeTestInApp } from '../../src-main/app/smoke';
import { createServices } from '../../src-main/services/create-services';
import type { SmokeReport } from '../../src-main/services/smoke-test';
import { WORKER_SCRIPT } from '../services/harness';
import { fake, FakeBrowserWindow, FakeWebContents, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

let temp: string;
let lines: string[];
let deps: AppDependencies;

beforeEach(() => {
  resetFake();
  temp = mkdtempSync(path.join(tmpdir(), 'epochlab-app-smoke-'));
  lines = [];
  deps = {
    createServices: ({ dataDir }) => createServices({ dataDir, workerScript: WORKER_SCRIPT }),
    resolveDataDir: () => { throw new Error('the smoke test must not use the user’s data folder'); },
    mainDir: path.resolve('out/main'),
    log: () => undefined,
  };
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** The renderer as far as the smoke test sees it: the bridge, and the experiment list fetched over IPC. */
function renderExperimentList(): void {
  FakeWebContents.evaluate = async (contents) => {
    const invoke = fake.ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!;
    const result = (await invoke({ sender: contents, senderFrame: contents.mainFrame }, 'listExperiments', {})) as InvokeResult;
    const names = result.ok ? (result.value as ExperimentSummary[]).map((e) => e.name) : [result.error.message];
    return { bridge: true, text: `Experiments\n${names.join('\n')}` };
  };
}

function report(): SmokeReport {
  expect(lines).toHaveLength(1);
  expect(lines[0].endsWith('\n')).toBe(true);
  return JSON.parse(lines[0]) as SmokeReport;
}

describe('runSmokeTestInApp', () => {
  it('trains, shows the experiment in a hidden window over IPC, prints one JSON line and exits 0', async () => {
    renderExperimentList();
    const reportFile = path.join(temp, 'smoke report.json');
    await runSmokeTestInApp(deps, { reportFile }, { write: (text) => lines.push(text) });
    const printed = report();
    expect(printed).toMatchObject({ ok: true, failure: null, version: '0.1.0', fuses: 'not packaged', run: { status: 'completed' } });
    expect(printed.window).toMatch(/shows “Epochlab smoke test”/);
    expect(readFileSync(reportFile, 'utf8')).toBe(lines[0]);
    expect(fake.app.exit).toHaveBeenCalledWith(0);

    // Its own Chromium profile, the window never shown and gone afterwards, IPC handlers removed, no quit on close.
    expect(fake.app.setPath).toHaveBeenCalledWith('userData', expect.stringContaining('epochlab-smoke-profile-'));
    expect(fake.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const [win] = FakeBrowserWindow.instances;
    expect(win.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, preload: path.resolve('out/preload/index.js') } });
    expect(win.loadedFile).toBe(path.resolve('out/renderer/index.html'));
    expect(win.visible).toBe(false);
    expect(win.destroyed).toBe(true);
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.app.listenerCount('window-all-closed')).toBe(1);
    expect(fake.session.defaultSession.beforeRequest).not.toBeNull();
  });

  it('exits 1 with the reason when the page never shows the experiment', async () => {
    FakeWebContents.evaluate = async () => ({ bridge: false, text: '' });
    await runSmokeTestInApp(deps, { reportFile: null }, { write: (text) => lines.push(text), windowTimeoutMs: 300 });
    expect(report().failure).toBe('showing the window: the page loaded without the preload bridge (window.epochlab)');
    expect(fake.app.exit).toHaveBeenCalledWith(1);
  });

  it('reads the fuses of the running binary when packaged, and fails a binary that has none', async () => {
    renderExperimentList();
    fake.app.isPackaged = true;
    await runSmokeTestInApp(deps, { reportFile: null }, { write: (text) => lines.push(text) });
    // Under vitest the "packaged binary" is Node itself, which has no fuse wire.
    expect(report().failure).toMatch(/^reading the fuses: .*sentinel/);
    expect(fake.app.exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 when the report file cannot be written', async () => {
    renderExperimentList();
    const log = vi.fn();
    await runSmokeTestInApp({ ...deps, log }, { reportFile: path.join(temp, 'missing', 'folder', 'r.json') }, { write: (text) => lines.push(text) });
    expect(report().ok).toBe(true);
    expect(log.mock.calls[0][0]).toMatch(/cannot write the smoke test report/);
    expect(fake.app.exit).toHaveBeenCalledWith(1);
  });
});
