import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveAppPage } from '../../src-main/app/page';
import { createMainWindow, focusWindow, mainWindowOptions } from '../../src-main/app/window';
import type { BrowserWindow } from 'electron';
import { FakeBrowserWindow, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

beforeEach(() => resetFake());

describe('mainWindowOptions', () => {
  it('isolates and sandboxes the renderer', () => {
    const prefs = mainWindowOptions('/app/out/preload/index.js', false).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('sets the window icon only when there is one to set', () => {
    expect(mainWindowOptions('/p.js', false, '/opt/Epochlab/resources/icon.png').icon).toBe('/opt/Epochlab/resources/icon.png');
    expect(mainWindowOptions('/p.js', false)).not.toHaveProperty('icon');
  });
});

describe('createMainWindow', () => {
  it('loads the built index file when packaged, and shows once ready', () => {
    const indexHtml = path.resolve('/app/out/renderer/index.html');
    const page = resolveAppPage({ isPackaged: true, devServerUrl: 'http://localhost:5173', indexHtml });
    createMainWindow(page, '/app/out/preload/index.js', false, vi.fn());
    const [win] = FakeBrowserWindow.instances;
    expect(win.loadedFile).toBe(indexHtml);
    expect(win.loadedUrl).toBeNull();
    expect(win.visible).toBe(false);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('loads the dev server in development', () => {
    const page = resolveAppPage({ isPackaged: false, devServerUrl: 'http://localhost:5173', indexHtml: '/x/index.html' });
    createMainWindow(page, '/p.js', true, vi.fn());
    expect(FakeBrowserWindow.instances[0].loadedUrl).toBe('http://localhost:5173/');
  });

  it('focusWindow restores a minimized window', () => {
    const win = new FakeBrowserWindow({});
    win.minimized = true;
    focusWindow(win as unknown as BrowserWindow);
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
  });
});
