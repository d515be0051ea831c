import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_IMPORT_DIALOG_CHANNEL, IPC_INVOKE_CHANNEL, experimentProgress, type DatasetImportSource, type EpochlabEvent } from '../../src-main/contract';
import { setupIpc, type ChooseImportSource } from '../../src-main/app/ipc';
import { resolveAppPage } from '../../src-main/app/page';
import { INTERNAL_ERROR_MESSAGE } from '../../src-main/services/dispatch';
import { createFakeServices, FAKE_SYSTEM_INFO, type FakeServices } from '../server/fake-services';
import { fake, FakeBrowserWindow, FakeWebContents, resetFake, type FakeFrame } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

const indexHtml = path.resolve('/opt/epochlab/out/renderer/index.html');
const page = resolveAppPage({ isPackaged: true, devServerUrl: undefined, indexHtml });
const appUrl = `${pathToFileURL(indexHtml).href}#/experiments`;

let services: FakeServices;
let win: FakeBrowserWindow;
let logs: string[];
let choose: ReturnType<typeof vi.fn<ChooseImportSource>>;
let dispose: () => void;

beforeEach(() => {
  resetFake();
  services = createFakeServices();
  win = new FakeBrowserWindow({});
  win.webContents.mainFrame.url = appUrl;
  logs = [];
  choose = vi.fn<ChooseImportSource>(async (format, name) => ({ format: 'csv', name: name ?? 'x', path: '/data/iris.csv' }) as DatasetImportSource);
  dispose = setupIpc(services, { page, windows: () => [win as unknown as BrowserWindow], log: (l) => logs.push(l), chooseImportSource: choose });
});
afterEach(() => dispose());

function eventFrom(contents: FakeWebContents, frame: FakeFrame | null) {
  return { sender: contents, senderFrame: frame };
}
function appEvent() {
  return eventFrom(win.webContents, win.webContents.mainFrame);
}
function invoke(event: unknown, method: unknown, input: unknown) {
  const handler = fake.ipcMain.handlers.get(IPC_INVOKE_CHANNEL);
  if (!handler) throw new Error('no invoke handler');
  return handler(event, method, input);
}
function importDialog(event: unknown, format: unknown, name: unknown, options: unknown = {}) {
  const handler = fake.ipcMain.handlers.get(IPC_IMPORT_DIALOG_CHANNEL);
  if (!handler) throw new Error('no import handler');
  return handler(event, format, name, options);
}

describe('invoke', () => {
  it('passes a valid call from the app page through to the service', async () => {
    expect(await invoke(appEvent(), 'getSystemInfo', {})).toEqual({ ok: true, value: FAKE_SYSTEM_INFO });
    expect(await invoke(appEvent(), 'deleteExperiment', { experimentId: 2 })).toEqual({ ok: true, value: { deleted: true } });
    expect(services.calls.map((c) => c.method)).toEqual(['getSystemInfo', 'deleteExperiment']);
  });

  it('refuses a foreign page, a subframe, a null frame and another window, with no side effect', async () => {
    const foreign = eventFrom(win.webContents, { url: 'https://evil.example/', parent: null });
    const sub = eventFrom(win.webContents, { url: appUrl, parent: win.webContents.mainFrame });
    const other = new FakeWebContents();
    const stranger = eventFrom(other, { url: appUrl, parent: null });
    const otherFile = eventFrom(win.webContents, { url: pathToFileURL(path.resolve('/tmp/index.html')).href, parent: null });
    for (const event of [foreign, sub, eventFrom(win.webContents, null), stranger, otherFile]) {
      const result = await invoke(event, 'deleteExperiment', { experimentId: 1 });
      expect(result).toEqual({ ok: false, error: { code: 'invalid', message: expect.stringMatching(/^refused/) } });
    }
    expect(services.calls).toEqual([]);
  });

  it('answers unknown methods with not-found', async () => {
    for (const method of ['dropEverything', '__proto__', 'constructor', 42, null]) {
      const result = await invoke(appEvent(), method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
    expect(services.calls).toEqual([]);
  });

  it('answers bad payloads with a structured invalid error per field', async () => {
    const payloads: unknown[] = [
      { experimentId: '1' }, { experimentId: -1 }, { experimentId: 1.5 }, { experimentId: Number.NaN },
      { experimentId: Number.POSITIVE_INFINITY }, { experimentId: 1, extra: true }, JSON.parse('{"__proto__":{"x":1},"experimentId":1}'),
      [1], 'x'.repeat(100_000), { experimentId: { nested: { deeper: [1, 2, 3] } } },
    ];
    for (const input of payloads) {
      const result = await invoke(appEvent(), 'deleteExperiment', input) as { ok: boolean; error: { code: string; issues: unknown[] } };
      expect(result.ok).toBe(false);
      expect(result.error.code).toBe('invalid');
      expect(result.error.issues.length).toBeGreaterThan(0);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(services.calls).toEqual([]);
  });

  it('hides unexpected errors behind a generic message and logs them', async () => {
    const result = await invoke(appEvent(), 'getRun', { runId: 3 });
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: INTERNAL_ERROR_MESSAGE } });
    expect(logs.join('\n')).toMatch(/getRun failed: Error: database exploded/);
  });

  it('passes ApiErrors through with their code', async () => {
    expect(await invoke(appEvent(), 'getExperiment', { experimentId: 77 })).toEqual({ ok: false, error: { code: 'not-found', message: 'experiment 77 not found' } });
  });
});

describe('events', () => {
  it('forwards every service event to the app windows, and stops on dispose', () => {
    const event: EpochlabEvent = { type: 'experiment-status', experimentId: 1, status: 'running', progress: experimentProgress({}) };
    services.emit(event);
    expect(win.webContents.sent).toEqual([[IPC_EVENT_CHANNEL, event]]);
    win.destroyed = true;
    services.emit(event);
    expect(win.webContents.sent).toHaveLength(1);
    dispose();
    expect(services.listenerCount()).toBe(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
    dispose = () => undefined;
  });
});

describe('import dialog', () => {
  it('imports what the user picks', async () => {
    const result = await importDialog(appEvent(), 'csv', '  iris  ');
    expect(choose).toHaveBeenCalledWith('csv', 'iris', {}, win);
    expect(result).toMatchObject({ ok: true, value: { dataset: { name: 'iris', source: 'imported' }, skipped: { total: 0 } } });
    expect(services.calls).toEqual([{ method: 'importDataset', input: { format: 'csv', name: 'iris', path: '/data/iris.csv' } }]);
  });

  it('passes the format’s options, checked, to the dialog step', async () => {
    await importDialog(appEvent(), 'csv', 'flowers', { labelColumn: 'kind', header: false });
    expect(choose).toHaveBeenCalledWith('csv', 'flowers', { labelColumn: 'kind', header: false }, win);
  });

  it('answers null when the user cancels', async () => {
    choose.mockResolvedValueOnce(null);
    expect(await importDialog(appEvent(), 'npy', 'xy')).toEqual({ ok: true, value: null });
    expect(services.calls).toEqual([]);
  });

  it('refuses bad arguments and foreign senders before opening a dialog', async () => {
    expect(await importDialog(appEvent(), 'exe', 'x')).toMatchObject({ ok: false, error: { code: 'invalid', issues: [{ path: 'format' }] } });
    expect(await importDialog(appEvent(), 'csv', '')).toMatchObject({ ok: false, error: { code: 'invalid', issues: [{ path: 'name' }] } });
    expect(await importDialog(appEvent(), 'csv', 'x', { labelColumn: -1 })).toMatchObject({ ok: false, error: { code: 'invalid', issues: [{ path: 'options.labelColumn' }] } });
    expect(await importDialog(appEvent(), 'csv', 'x', { folder: '/etc' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await importDialog(appEvent(), 'csv', { toString: () => 'x' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(await importDialog(appEvent(), 'csv', 'n'.repeat(500))).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const foreign = await importDialog(eventFrom(win.webContents, { url: 'https://evil.example', parent: null }), 'csv', 'x');
    expect(foreign).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^refused/) } });
    expect(choose).not.toHaveBeenCalled();
  });

  it('opens one dialog at a time', async () => {
    let release: (value: DatasetImportSource | null) => void = () => undefined;
    choose.mockImplementationOnce(() => new Promise((resolve) => { release = resolve; }));
    const first = importDialog(appEvent(), 'csv', 'a');
    expect(await importDialog(appEvent(), 'csv', 'b')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    release(null);
    expect(await first).toEqual({ ok: true, value: null });
  });
});
