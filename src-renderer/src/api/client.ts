/** The one API client the renderer uses. Views and stores see this interface, never a transport. */
import type { ApiMethod, ApiOutputs, ApiRawInput, DatasetImportFormat, EpochlabEvent, ImportReport } from '../contract';

/** State of the live-event channel. IPC is always `open`; the WebSocket goes through the other two. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export type EventHandler = (event: EpochlabEvent) => void;
export type ConnectionHandler = (state: ConnectionState) => void;

export interface ApiClient {
  readonly transport: 'ipc' | 'http';
  /** Calls one API method. Rejects with ApiError (UnreachableError when the server cannot be reached). */
  call<M extends ApiMethod>(method: M, input: ApiRawInput<M>): Promise<ApiOutputs[M]>;
  /** Live events; returns the unsubscribe function. */
  onEvent(listener: EventHandler): () => void;
  /** Called at once with the current state, then on every change; returns the unsubscribe function. */
  onConnection(listener: ConnectionHandler): () => void;
  /** Desktop only: the OS dialogs of the format's inputs, in the main process; null in a browser. */
  readonly importDatasetWithDialog: ((format: DatasetImportFormat, name: string, options: Record<string, unknown>) => Promise<ImportReport | null>) | null;
  /**
   * Serve mode only: sends a file to the server in chunks and resolves to its upload id (then `importUpload`
   * names it); null on the desktop, where files are chosen in the OS dialog instead.
   */
  readonly uploadFile: ((file: UploadableFile, target: { format: DatasetImportFormat; input: string }, onProgress: (sent: number, total: number) => void) => Promise<string>) | null;
  /** Try the live-event channel again now instead of waiting for the next backoff step. */
  reconnect(): void;
  close(): void;
}

/** What an upload needs of a browser File (so tests can pass something smaller). */
export interface UploadableFile {
  name: string;
  size: number;
  slice(start: number, end: number): Blob;
}

/** A tiny listener set shared by both transports; one throwing listener must not starve the others. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }
  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (error) {
        console.error('epochlab: event listener failed', error);
      }
    }
  }
  get size(): number {
    return this.set.size;
  }
}
