/** Desktop: the preload's `window.epochlab` bridge over Electron IPC. Results arrive wrapped (InvokeResult). */
import { ApiError } from '../contract';
import type { ApiMethod, ApiOutputs, ApiRawInput, DatasetImportFormat, EpochlabBridge, ImportReport } from '../contract';
import type { ApiClient, ConnectionHandler } from './client';
import { UnreachableError, errorFromPayload } from './errors';

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown } | unknown, what: string): T {
  if (typeof result !== 'object' || result === null || !('ok' in result)) {
    throw new ApiError('failed', `The Epochlab main process sent a malformed answer to ${what}.`);
  }
  if (result.ok === true && 'value' in result) return result.value as T;
  const error = 'error' in result ? errorFromPayload(result.error) : null;
  throw error ?? new ApiError('failed', `${what} failed in the Epochlab main process.`);
}

export function createIpcClient(bridge: EpochlabBridge): ApiClient {
  return {
    transport: 'ipc',
    async call<M extends ApiMethod>(method: M, input: ApiRawInput<M>): Promise<ApiOutputs[M]> {
      let result: unknown;
      try {
        result = await bridge.invoke(method, input ?? {});
      } catch (error) {
        // The IPC channel itself failed (main process gone, handler not registered): not an API answer.
        throw new UnreachableError(error instanceof Error ? error.message : 'IPC failed');
      }
      return unwrap<ApiOutputs[M]>(result, method);
    },
    onEvent(listener) {
      return bridge.subscribe(listener);
    },
    onConnection(listener: ConnectionHandler) {
      // IPC events cannot drop while the window lives.
      listener('open');
      return () => undefined;
    },
    async importDatasetWithDialog(format: DatasetImportFormat, name: string, options: Record<string, unknown>): Promise<ImportReport | null> {
      let result: unknown;
      try {
        result = await bridge.importDatasetWithDialog(format, name, options);
      } catch (error) {
        throw new UnreachableError(error instanceof Error ? error.message : 'IPC failed');
      }
      return unwrap<ImportReport | null>(result, 'importing the dataset');
    },
    uploadFile: null,
    reconnect() {
      // Nothing to reconnect: the bridge is part of this window.
    },
    close() {
      // Subscriptions are owned by their callers, who unsubscribe themselves.
    },
  };
}
