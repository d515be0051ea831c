/** The one app window. Its web preferences are the first line of defence (docs/reliability.md A2). */
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { AppPage } from './page';

export function mainWindowOptions(preload: string, devTools: boolean, icon?: string): BrowserWindowConstructorOptions {
  return {
    ...(icon ? { icon } : {}),
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    title: 'Epochlab',
    // Shown once painted, so the user never sees a white flash.
    show: false,
    backgroundColor: '#18181c',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools,
    },
  };
}

export function createMainWindow(page: AppPage, preload: string, devTools: boolean, log: (line: string) => void, icon?: string): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(preload, devTools, icon));
  win.once('ready-to-show', () => win.show());
  const loaded = page.kind === 'dev' ? win.loadURL(page.url) : win.loadFile(page.indexHtml);
  loaded.catch((error: unknown) => log(`error: the window could not load ${page.url}: ${error instanceof Error ? error.message : String(error)}`));
  return win;
}

/** Brings an existing window to the front (a second launch lands here). */
export function focusWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
