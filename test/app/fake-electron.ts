/**
 * A fake of the parts of `electron` the app shell uses, for `vi.mock('electron', …)`: Electron cannot be
 * launched here, and these tests are about what the shell asks of Electron, not about Electron itself.
 */
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { forkUtilityProcess } from './fake-utility-process';

type Listener = (...args: unknown[]) => unknown;

export class FakeEmitter {
  private readonly listeners = new Map<string, Listener[]>();
  on(name: string, listener: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.off(name, wrapped);
      return listener(...args);
    };
    return this.on(name, wrapped);
  }
  off(name: string, listener: Listener): this {
    this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== listener));
    return this;
  }
  emit(name: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) listener(...args);
  }
  listenerCount(name: string): number {
    return this.listeners.get(name)?.length ?? 0;
  }
}

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends FakeEmitter {
  /** What the page answers to executeJavaScript, for all windows (a test sets it; resetFake clears it). */
  static evaluate: ((contents: FakeWebContents, code: string) => Promise<unknown>) | null = null;
  sent: Array<[string, unknown]> = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  mainFrame: FakeFrame = { url: '', parent: null };
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  executeJavaScript(code: string): Promise<unknown> {
    return FakeWebContents.evaluate ? FakeWebContents.evaluate(this, code) : Promise.reject(new Error('the fake window has no page to run script in'));
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  loadedFile: string | null = null;
  destroyed = false;
  visible = false;
  focused = false;
  minimized = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  static fromWebContents(contents: FakeWebContents): FakeBrowserWindow | null {
    return FakeBrowserWindow.instances.find((w) => w.webContents === contents) ?? null;
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  loadFile(file: string): Promise<void> {
    this.loadedFile = file;
    this.webContents.mainFrame.url = pathToFileURL(file).href;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  }
}

type WebRequestListener = (details: Record<string, unknown>, callback: (response: Record<string, unknown>) => void) => void;

export class FakeSession {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: (() => boolean) | null = null;
  devicePermissionHandler: (() => boolean) | null = null;
  beforeRequest: WebRequestListener | null = null;
  headersReceived: WebRequestListener | null = null;
  readonly webRequest = {
    onBeforeRequest: (listener: WebRequestListener) => { this.beforeRequest = listener; },
    onHeadersReceived: (listener: WebRequestListener) => { this.headersReceived = listener; },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: FakeSession['devicePermissionHandler']): void {
    this.devicePermissionHandler = handler;
  }
}

export type IpcHandler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

class FakeApp extends FakeEmitter {
  isPackaged = false;
  singleInstance = true;
  readonly requestSingleInstanceLock = vi.fn(() => this.singleInstance);
  readonly enableSandbox = vi.fn();
  readonly exit = vi.fn();
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly getVersion = vi.fn(() => '0.1.0');
  readonly setPath = vi.fn((_name: string, _path: string) => undefined);
  readonly setAboutPanelOptions = vi.fn((_options: Record<string, unknown>) => undefined);
  /** Like Electron: `before-quit` listeners may cancel the quit. */
  readonly quit = vi.fn(() => {
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  });
  quitted = false;
}

export function createFakeElectron() {
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handlers: new Map<string, IpcHandler>(),
      handle(channel: string, handler: IpcHandler) {
        if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        this.handlers.set(channel, handler);
      },
      removeHandler(channel: string) {
        this.handlers.delete(channel);
      },
    },
    ipcRenderer: {
      invoke: vi.fn((..._args: unknown[]) => Promise.resolve<unknown>({ ok: true, value: null })),
      on: vi.fn(),
      removeListener: vi.fn(),
    },
    contextBridge: { exposeInMainWorld: vi.fn() },
    dialog: {
      showOpenDialog: vi.fn((..._args: unknown[]) => Promise.resolve<{ canceled: boolean; filePaths: string[] }>({ canceled: true, filePaths: [] })),
      showMessageBox: vi.fn((..._args: unknown[]) => Promise.resolve({ response: 0, checkboxChecked: false })),
      showErrorBox: vi.fn(),
    },
    shell: {
      openExternal: vi.fn((_url: string) => Promise.resolve()),
      openPath: vi.fn((_path: string) => Promise.resolve('')),
    },
    session: { defaultSession: new FakeSession() },
    Menu: {
      buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
      setApplicationMenu: vi.fn(),
    },
    utilityProcess: { fork: forkUtilityProcess },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** The single fake shared by the mocked module and the test that inspects it. */
export const fake: FakeElectron = createFakeElectron();

export function resetFake(): void {
  Object.assign(fake, createFakeElectron());
  FakeBrowserWindow.instances = [];
  FakeWebContents.evaluate = null;
}
