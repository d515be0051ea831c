/**
 * The composition root, as a function of its dependencies so it can be tested with a fake Electron and
 * fake services: single instance, hardening, services, IPC, menu, window, and an orderly quit that lets
 * the services end running trials as `cancelled` and close the store (docs/reliability.md E2).
 */
import { app, dialog, shell, type BrowserWindow } from 'electron';
import type { EpochlabServices } from '../contract/api';
import { ApiError } from '../contract/api';
import { describeSkipped, type DatasetImportFormat } from '../contract/dataset-formats';
import { describeError } from '../services/dispatch';
import { chooseImportSource } from './import-dialog';
import { setupIpc } from './ipc';
import { setAboutPanel, showAbout, windowIconPath, type AboutContext } from './identity';
import { setupMenu, type MenuActions } from './menu';
import { builtApp } from './page';
import { setupSecurity } from './security';
import { reportStartupFailure } from './startup-error';
import { createMainWindow, focusWindow } from './window';

export interface AppDependencies {
  createServices(options: { dataDir: string }): Promise<EpochlabServices>;
  resolveDataDir(): string;
  /** The folder of the main bundle (out/main); preload and renderer are its siblings. */
  mainDir: string;
  log?: (line: string) => void;
}

/** How long quitting waits for the services before exiting anyway. */
export const CLOSE_TIMEOUT_MS = 10_000;

export async function closeWithin(services: EpochlabServices, ms: number, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`warning: the services did not close within ${ms} ms; exiting anyway`);
      resolve();
    }, ms);
  });
  try {
    await Promise.race([services.close().catch((error: unknown) => log(`error: closing the services failed: ${describeError(error)}`)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An import started from the File menu: the dialogs name the dataset after the first file or folder. */
async function importFromMenu(services: EpochlabServices, format: DatasetImportFormat, parent: BrowserWindow | null, log: (line: string) => void): Promise<void> {
  try {
    const source = await chooseImportSource(format, null, {}, parent);
    if (!source) return;
    const { dataset, skipped } = await services.importDataset(source);
    const detail = [`${dataset.rows} rows, ${dataset.numClasses} classes.`, describeSkipped(skipped)].filter(Boolean).join('\n');
    await dialog.showMessageBox({ type: 'info', title: 'Epochlab', message: `Imported “${dataset.name}”`, detail });
  } catch (error) {
    if (!(error instanceof ApiError)) log(`error: import failed: ${describeError(error)}`);
    dialog.showErrorBox('Import failed', error instanceof Error ? error.message : String(error));
  }
}

function menuActions(services: EpochlabServices, parent: () => BrowserWindow | null, about: AboutContext, log: (line: string) => void): MenuActions {
  return {
    importDataset: (format) => void importFromMenu(services, format, parent(), log),
    openDataFolder: () => void shell.openPath(about.dataDir),
    about: () => showAbout(about),
    quit: () => app.quit(),
  };
}

/** Quitting hides the windows, lets the services end running trials as `cancelled`, then exits (docs/reliability.md E2). */
function closeServicesOnQuit(services: EpochlabServices, windows: Set<BrowserWindow>, disposeIpc: () => void, log: (line: string) => void): void {
  let quitState: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (quitState === 'closed') return;
    event.preventDefault();
    if (quitState === 'closing') return;
    quitState = 'closing';
    for (const win of windows) if (!win.isDestroyed()) win.hide();
    void closeWithin(services, CLOSE_TIMEOUT_MS, log).finally(() => {
      quitState = 'closed';
      disposeIpc();
      app.exit(0);
    });
  });
}

/** Resolves once the app is running (or has decided to exit). */
export async function startApp(deps: AppDependencies): Promise<void> {
  const log = deps.log ?? ((line: string) => console.error(line));

  // A second launch hands over to the first (which comes to the front) instead of opening the database twice.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  const windows = new Set<BrowserWindow>();
  app.on('second-instance', () => {
    const [first] = windows;
    if (first) focusWindow(first);
  });

  await app.whenReady();
  const isDev = !app.isPackaged;
  const { page, preload } = builtApp(deps.mainDir, app.isPackaged, process.env.ELECTRON_RENDERER_URL);
  const icon = windowIconPath({ platform: process.platform, isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, mainDir: deps.mainDir });
  setupSecurity(page);

  const dataDir = deps.resolveDataDir();
  let services: EpochlabServices;
  try {
    services = await deps.createServices({ dataDir });
  } catch (error) {
    log(`error: cannot start: ${describeError(error)}`);
    await reportStartupFailure(error, dataDir);
    app.exit(1);
    return;
  }

  const openWindow = (): BrowserWindow => {
    const win = createMainWindow(page, preload, isDev, log, icon);
    windows.add(win);
    win.on('closed', () => windows.delete(win));
    win.webContents.on('render-process-gone', (_event, details) => log(`error: the window's renderer is gone: ${details.reason}`));
    return win;
  };

  const about = { version: app.getVersion(), versions: process.versions, dataDir, icon };
  setAboutPanel(about);
  const disposeIpc = setupIpc(services, { page, windows: () => [...windows], log });

  setupMenu(menuActions(services, () => [...windows][0] ?? null, about, log), { isDev, platform: process.platform, appName: 'Epochlab' });
  closeServicesOnQuit(services, windows, disposeIpc, log);
  // Training goes on with the window closed on macOS, as apps do there; elsewhere closing it quits.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (windows.size === 0) openWindow();
  });

  openWindow();
}
