/**
 * How the API travels. Desktop: the preload bridge over Electron IPC. Serve mode: HTTP + WebSocket on
 * loopback. The renderer picks one at start and nothing else in it knows which.
 */
import type { ApiErrorBody, ApiMethod, ApiOutputs } from './api';
import type { DatasetImportFormat, ImportReport } from './dataset-formats';
import type { EpochlabEvent } from './events';

export const IPC_INVOKE_CHANNEL = 'epochlab:invoke';
export const IPC_EVENT_CHANNEL = 'epochlab:event';
export const IPC_IMPORT_DIALOG_CHANNEL = 'epochlab:import-dataset-dialog';

/** Errors do not survive Electron's IPC intact, so results are wrapped. */
export type InvokeResult<M extends ApiMethod = ApiMethod> =
  | { ok: true; value: ApiOutputs[M] }
  | { ok: false; error: ApiErrorBody['error'] };

/** What the preload exposes as `window.epochlab` (and nothing more). */
export interface EpochlabBridge {
  invoke(method: ApiMethod, input: unknown): Promise<InvokeResult>;
  subscribe(listener: (event: EpochlabEvent) => void): () => void;
  /**
   * Desktop only: opens the OS dialog(s) of the format's inputs in main and imports what the user picks
   * (null if cancelled). `options` are the format's options (contract/dataset-formats.ts), checked in main.
   */
  importDatasetWithDialog(format: DatasetImportFormat, name: string, options: Record<string, unknown>): Promise<{ ok: true; value: ImportReport | null } | { ok: false; error: ApiErrorBody['error'] }>;
}

/** Serve mode: `POST /api/<method>` with a JSON body; 200 with the output, or 4xx/5xx with ApiErrorBody. */
export const HTTP_API_PREFIX = '/api/';
/**
 * Serve mode: `POST /api/uploads?format=&input=&filename=&size=` with the first chunk of a file as an
 * application/octet-stream body, then `POST /api/uploads?uploadId=&offset=` with the next ones; each answers
 * an UploadReceipt (contract/dataset-formats.ts). A byte stream cannot travel as a JSON API call.
 */
export const HTTP_UPLOADS_PATH = '/api/uploads';
/** Serve mode: WebSocket that pushes every EpochlabEvent as one JSON text message. */
export const WS_EVENTS_PATH = '/api/events';
/** Serve mode auth: `?token=` on first load is exchanged for this HttpOnly cookie. */
export const AUTH_COOKIE = 'epochlab_token';

export function httpStatusFor(code: ApiErrorBody['error']['code']): number {
  switch (code) {
    case 'invalid': return 400;
    case 'not-found': return 404;
    case 'conflict': return 409;
    case 'too-large': return 413;
    default: return 500;
  }
}
