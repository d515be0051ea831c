import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_IMPORT_DIALOG_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-main/contract';
import { closeWithin, startApp, type AppDependencies } from '../../src-main/app/main';
import { StoreError } from '../../src-main/store/errors';
import { createFakeServices, type FakeServices } from '../server/fake-services';
import { fake, FakeBrowserWindow, FakeEvent, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

const mainDir = path.resolve('/opt/epochlab/out/main');
let services: FakeServices;
let deps: AppDependencies & { createServices: ReturnType<typeof vi.fn> };

beforeEach(() => {
  resetFake();
  services = createFakeServices();
  deps = {
    createServices: vi.fn(async () => services),
    resolveDataDir: () => '/home/u/.config/Epochlab',
    mainDir,
    log: () => undefined,
  };
});

describe('startApp', () => {
  it('opens one hardened window on the built page with the preload, the IPC handlers and the menu', async () => {
    fake.app.isPackaged = true;
    await startApp(deps);
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(deps.createServices).toHaveBeenCalledWith({ dataDir: '/home/u/.config/Epochlab' });
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const [win] = FakeBrowserWindow.instances;
    expect(win.loadedFile).toBe(path.resolve('/opt/epochlab/out/renderer/index.html'));
    expect(win.options).toMatchObject({ webPreferences: { preload: path.join(mainDir, '../preload/index.js'), sandbox: true, contextIsolation: true } });
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([IPC_IMPORT_DIALOG_CHANNEL, IPC_INVOKE_CHANNEL].sort());
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(fake.app.setAboutPanelOptions).toHaveBeenCalledWith(expect.objectContaining({ applicationName: 'Epochlab', applicationVersion: '0.1.0' }));
    expect(fake.session.defaultSession.permissionRequestHandler).not.toBeNull();
  });

  it('quits at once as a second instance, touching nothing', async () => {
    fake.app.singleInstance = false;
    await startApp(deps);
    expect(fake.app.quit).toHaveBeenCalled();
    expect(deps.createServices).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('focuses the first window when a second instance starts', async () => {
    await startApp(deps);
    const [win] = FakeBrowserWindow.instances;
    win.minimized = true;
    fake.app.emit('second-instance');
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
  });

  it('shows the store error with Quit / Open data folder and exits, with no window', async () => {
    deps.createServices.mockRejectedValueOnce(new StoreError('newer-version', 'the database is at version 7; this Epochlab knows 3'));
    await startApp(deps);
    const box = fake.dialog.showMessageBox.mock.calls[0][0] as { message: string; detail: string; buttons: string[] };
    expect(box.message).toMatch(/newer version/);
    expect(box.detail).toContain('version 7');
    expect(box.buttons).toEqual(['Quit', 'Open data folder']);
    expect(fake.app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
  });

  it('closes the services before exiting on quit, once', async () => {
    let finishClose: () => void = () => undefined;
    services.close = vi.fn(() => new Promise<void>((resolve) => { finishClose = resolve; }));
    await startApp(deps);
    fake.app.quit();
    fake.app.quit();
    expect(services.close).toHaveBeenCalledTimes(1);
    expect(fake.app.exit).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances[0].visible).toBe(false);
    finishClose();
    await vi.waitFor(() => expect(fake.app.exit).toHaveBeenCalledWith(0));
    expect(fake.ipcMain.handlers.size).toBe(0);
    const late = new FakeEvent();
    fake.app.emit('before-quit', late);
    expect(late.defaultPrevented).toBe(false);
  });

  it('quits when the last window closes, except on macOS', async () => {
    await startApp(deps);
    const quit = fake.app.quit;
    fake.app.emit('window-all-closed');
    if (process.platform === 'darwin') expect(quit).not.toHaveBeenCalled();
    else expect(quit).toHaveBeenCalled();
  });
});

describe('closeWithin', () => {
  it('gives up on services that never close', async () => {
    const stuck = createFakeServices();
    stuck.close = () => new Promise<void>(() => undefined);
    const log = vi.fn();
    await closeWithin(stuck, 20, log);
    expect(log.mock.calls[0][0]).toMatch(/did not close within 20 ms/);
  });

  it('logs a failing close and resolves', async () => {
    const failing = createFakeServices();
    failing.close = () => Promise.reject(new Error('store busy'));
    const log = vi.fn();
    await closeWithin(failing, 1000, log);
    expect(log.mock.calls[0][0]).toMatch(/store busy/);
  });
});
