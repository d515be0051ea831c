/**
 * The whole surface the renderer gets: `window.epochlab` with invoke, subscribe and
 * importDatasetWithDialog (docs/reliability.md A2). ipcRenderer itself never crosses the bridge, and listeners get
 * the event payload only, never Electron's IpcRendererEvent (which would expose `sender`).
 * Sandboxed preloads cannot load modules, so this imports only the contract's constants (bundled in) and
 * types; importing the contract's index would drag zod in.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiMethod } from '../contract/api';
import type { DatasetImportFormat } from '../contract/dataset-formats';
import type { EpochlabEvent } from '../contract/events';
import { IPC_EVENT_CHANNEL, IPC_IMPORT_DIALOG_CHANNEL, IPC_INVOKE_CHANNEL, type EpochlabBridge } from '../contract/transport';

export function createBridge(): EpochlabBridge {
  return {
    invoke(method: ApiMethod, input: unknown) {
      return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input);
    },
    subscribe(listener: (event: EpochlabEvent) => void) {
      if (typeof listener !== 'function') throw new TypeError('subscribe expects a function');
      const forward = (_event: IpcRendererEvent, payload: EpochlabEvent): void => listener(payload);
      ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
      return () => {
        ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
      };
    },
    importDatasetWithDialog(format: DatasetImportFormat, name: string, options: Record<string, unknown>) {
      return ipcRenderer.invoke(IPC_IMPORT_DIALOG_CHANNEL, format, name, options);
    },
  };
}

contextBridge.exposeInMainWorld('epochlab', createBridge());
