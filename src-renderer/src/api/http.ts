/**
 * Serve mode: `POST <page folder>/api/<method>` with a JSON body, live events over a WebSocket at
 * `<page folder>/api/events`. The auth cookie was set by the server when the page was opened with ?token=,
 * so requests only need `credentials: 'same-origin'`.
 *
 * URLs are resolved against the page's folder rather than the host root so that the UI keeps working behind
 * a reverse proxy that mounts Epochlab under a path prefix; served at `/`, they are exactly HTTP_API_PREFIX
 * and WS_EVENTS_PATH.
 */
import { HTTP_API_PREFIX, HTTP_UPLOADS_PATH, UPLOAD_CHUNK_BYTES, WS_EVENTS_PATH, ApiError } from '../contract';
import type { ApiMethod, ApiOutputs, ApiRawInput, DatasetImportFormat, EpochlabEvent, UploadReceipt } from '../contract';
import { Listeners, type ApiClient, type ConnectionHandler, type ConnectionState, type EventHandler, type UploadableFile } from './client';
import { SignInError, UnreachableError, errorFromPayload } from './errors';

export interface ResponseLike {
  ok: boolean;
  status: number;
  statusText: string;
  text(): Promise<string>;
}
export interface RequestInitLike {
  method: 'POST';
  headers: Record<string, string>;
  body: string | Blob;
  credentials: 'same-origin';
}
export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(): void;
}
/** Opens a socket and reports to `handlers`; the browser glue lives in browser.ts. */
export type OpenSocket = (url: string, handlers: SocketHandlers) => { close(): void };

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HttpTransportOptions {
  /** The page's URL (location.href). */
  pageUrl: string;
  fetch: FetchLike;
  openSocket: OpenSocket;
  timers?: Timers;
  backoff?: BackoffOptions;
  random?: () => number;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}
const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): doubling from initialMs, capped at maxMs, with ±25 %
 * jitter so that many tabs do not hammer a restarted server in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.min(options.maxMs, Math.round(base * (0.75 + 0.5 * random())));
}

export function apiUrl(pageUrl: string, method: string): string {
  return new URL(`.${HTTP_API_PREFIX}${method}`, pageUrl).toString();
}

export function uploadUrl(pageUrl: string, query: Record<string, string>): string {
  return new URL(`.${HTTP_UPLOADS_PATH}?${new URLSearchParams(query).toString()}`, pageUrl).toString();
}

export function eventsUrl(pageUrl: string): string {
  const url = new URL(`.${WS_EVENTS_PATH}`, pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.toString();
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Turns a non-2xx answer into the ApiError the server meant, or the closest honest one. Epochlab's API
 * always answers errors with an ApiErrorBody; a non-JSON error means something else answered (a static
 * file server, a proxy), which for the user is the same as not reaching Epochlab at all.
 */
export function errorFromResponse(status: number, statusText: string, text: string): ApiError {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: handled below.
  }
  if (status === 401) {
    return new SignInError(
      'The Epochlab server refused the request: this browser is not signed in. Open the address with the ?token= that `epochlab serve` printed.',
    );
  }
  const fromBody = typeof body === 'object' && body !== null ? errorFromPayload((body as { error?: unknown }).error) : null;
  if (fromBody) return fromBody;
  if (status === 403) return new SignInError('The Epochlab server refused this page (unexpected host or origin). Open it with the address `epochlab serve` printed.');
  return new UnreachableError(`no Epochlab API answered at this address: HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
}

export function isEvent(value: unknown): value is EpochlabEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function createHttpClient(options: HttpTransportOptions): ApiClient {
  const timers = options.timers ?? defaultTimers;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const events = new Listeners<EpochlabEvent>();
  const states = new Listeners<ConnectionState>();
  let state: ConnectionState = 'closed';
  let socket: { close(): void } | null = null;
  let timer: unknown = null;
  let attempt = 0;
  let started = false;
  let closed = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    states.emit(next);
  };

  const scheduleReconnect = () => {
    if (closed || timer !== null) return;
    const delay = backoffDelay(attempt, backoff, random);
    attempt += 1;
    timer = timers.setTimeout(() => {
      timer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    if (closed) return;
    setState('connecting');
    // A socket that closes before it opened and one that drops later both end up here exactly once.
    let ended = false;
    const handlers: SocketHandlers = {
      open: () => {
        attempt = 0;
        setState('open');
      },
      message: (data) => {
        if (typeof data !== 'string') return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          return;
        }
        if (isEvent(parsed)) events.emit(parsed);
      },
      close: () => {
        if (ended) return;
        ended = true;
        socket = null;
        setState('closed');
        scheduleReconnect();
      },
    };
    try {
      socket = options.openSocket(eventsUrl(options.pageUrl), handlers);
    } catch {
      handlers.close();
    }
  };

  const start = () => {
    if (started || closed) return;
    started = true;
    connect();
  };

  /** One POST; its JSON answer, or the ApiError the server meant. */
  const post = async <T>(url: string, contentType: string, body: string | Blob, what: string): Promise<T> => {
    let response: ResponseLike;
    try {
      response = await options.fetch(url, { method: 'POST', headers: { 'Content-Type': contentType, Accept: 'application/json' }, body, credentials: 'same-origin' });
    } catch (error) {
      throw new UnreachableError(error instanceof Error ? error.message : 'network error');
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new UnreachableError(error instanceof Error ? error.message : 'the answer was cut off');
    }
    if (!response.ok) throw errorFromResponse(response.status, response.statusText, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('failed', `The Epochlab server sent an answer to ${what} that is not JSON.`);
    }
  };

  /** A file in chunks of UPLOAD_CHUNK_BYTES: each request is short, whatever the file's size and the link's speed. */
  const uploadFile = async (file: UploadableFile, target: { format: DatasetImportFormat; input: string }, onProgress: (sent: number, total: number) => void): Promise<string> => {
    let receipt: UploadReceipt | null = null;
    do {
      const offset: number = receipt?.received ?? 0;
      const query: Record<string, string> = receipt === null
        ? { format: target.format, input: target.input, filename: file.name, size: String(file.size) }
        : { uploadId: receipt.uploadId, offset: String(offset) };
      receipt = await post<UploadReceipt>(uploadUrl(options.pageUrl, query), 'application/octet-stream', file.slice(offset, offset + UPLOAD_CHUNK_BYTES), 'an upload');
      onProgress(receipt.received, file.size);
    } while (receipt.received < file.size);
    return receipt.uploadId;
  };

  return {
    transport: 'http',
    call<M extends ApiMethod>(method: M, input: ApiRawInput<M>): Promise<ApiOutputs[M]> {
      return post<ApiOutputs[M]>(apiUrl(options.pageUrl, method), 'application/json', JSON.stringify(input ?? {}), method);
    },
    onEvent(listener: EventHandler) {
      start();
      return events.add(listener);
    },
    onConnection(listener: ConnectionHandler) {
      const off = states.add(listener);
      listener(state);
      start();
      return off;
    },
    importDatasetWithDialog: null,
    uploadFile,
    reconnect() {
      if (closed) return;
      if (!started) return start();
      if (state !== 'closed') return;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      attempt = 0;
      connect();
    },
    close() {
      closed = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      socket?.close();
      socket = null;
      setState('closed');
    },
  };
}
