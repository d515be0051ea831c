/**
 * The IPC side of the contract. Every call is checked for who sent it (only the app's own top-level page,
 * docs/reliability.md B1), validated against the contract's schema (B2) and answered with an InvokeResult:
 * nothing is thrown across IPC, where Electron would strip it to a bare message anyway.
 */
import { ipcMain, BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { parseUntrusted, type ApiErrorBody, type EpochlabServices } from '../contract/api';
import { dialogImportSchema, type DatasetImportFormat, type DatasetImportSource, type ImportReport } from '../contract/dataset-formats';
import { IPC_EVENT_CHANNEL, IPC_IMPORT_DIALOG_CHANNEL, IPC_INVOKE_CHANNEL, type EpochlabBridge, type InvokeResult } from '../contract/transport';
import { describeError, errorResult, invokeApi } from '../services/dispatch';
import { chooseImportSource } from './import-dialog';
import { isAppPageUrl, type AppPage } from './page';

type ImportResult = Awaited<ReturnType<EpochlabBridge['importDatasetWithDialog']>>;
export type ChooseImportSource = (format: DatasetImportFormat, name: string | null, options: Record<string, unknown>, parent: BrowserWindow | null) => Promise<DatasetImportSource | null>;

export interface IpcOptions {
  page: AppPage;
  /** The windows that get events and may call: those the app created. */
  windows(): BrowserWindow[];
  log(line: string): void;
  /** The OS dialog; replaceable so the flow can be tested without one. */
  chooseImportSource?: ChooseImportSource;
}

const REFUSED = 'refused: the caller is not the Epochlab window';

/** A sender is trusted when it is the top frame of an app window, showing the app's own page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, options: Pick<IpcOptions, 'page' | 'windows'>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!options.windows().some((win) => !win.isDestroyed() && win.webContents === event.sender)) return false;
  return isAppPageUrl(options.page, frame.url);
}

function refused(): { ok: false; error: ApiErrorBody['error'] } {
  return { ok: false, error: { code: 'invalid', message: REFUSED } };
}

/** The renderer's request, checked against the format registry before any dialog opens. */
function parseImportRequest(format: unknown, name: unknown, options: unknown) {
  return parseUntrusted(dialogImportSchema, { format, name, options: options ?? {} }, 'invalid import');
}

export function setupIpc(services: EpochlabServices, options: IpcOptions): () => void {
  const choose = options.chooseImportSource ?? chooseImportSource;
  const onUnexpected = (method: string, error: unknown): void => options.log(`error: ${method} failed: ${describeError(error)}`);
  let dialogOpen = false;

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<InvokeResult> => {
    if (!isTrustedSender(event, options)) return refused();
    return invokeApi(services.api, method, input, onUnexpected);
  });

  ipcMain.handle(IPC_IMPORT_DIALOG_CHANNEL, async (event, format: unknown, name: unknown, formatOptions: unknown): Promise<ImportResult> => {
    if (!isTrustedSender(event, options)) return refused();
    let request: ReturnType<typeof parseImportRequest>;
    try {
      request = parseImportRequest(format, name, formatOptions);
    } catch (error) {
      return errorResult(error, 'importDataset', onUnexpected);
    }
    // One dialog at a time: a second click while the first is open would stack dialogs.
    if (dialogOpen) return { ok: false, error: { code: 'conflict', message: 'an import dialog is already open' } };
    dialogOpen = true;
    try {
      const source = await choose(request.format, request.name, request.options, BrowserWindow.fromWebContents(event.sender));
      if (!source) return { ok: true, value: null };
      const value: ImportReport = await services.importDataset(source);
      return { ok: true, value };
    } catch (error) {
      return errorResult(error, 'importDataset', onUnexpected);
    } finally {
      dialogOpen = false;
    }
  });

  const unsubscribe = services.subscribe((event) => {
    for (const win of options.windows()) {
      if (!win.isDestroyed()) sendTo(win.webContents, event);
    }
  });

  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    ipcMain.removeHandler(IPC_IMPORT_DIALOG_CHANNEL);
    unsubscribe();
  };
}

function sendTo(contents: WebContents, event: unknown): void {
  // A window being torn down can throw on send; losing an event for a closing window is harmless.
  try {
    contents.send(IPC_EVENT_CHANNEL, event);
  } catch {
    /* the window is going away */
  }
}
