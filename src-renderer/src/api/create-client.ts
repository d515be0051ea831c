/**
 * Picks the transport once, at start: the desktop preload bridge when it exists, otherwise HTTP + WebSocket
 * to the server that served this page. Nothing else in the renderer knows which one it got.
 */
import type { EpochlabBridge } from '../contract';
import type { ApiClient } from './client';
import { createHttpClient, type FetchLike, type OpenSocket } from './http';
import { createIpcClient } from './ipc';

export interface ClientEnvironment {
  epochlab?: EpochlabBridge;
  pageUrl: string;
  fetch: FetchLike;
  openSocket: OpenSocket;
}

export function createApiClient(env: ClientEnvironment): ApiClient {
  const bridge = env.epochlab;
  if (bridge && typeof bridge.invoke === 'function' && typeof bridge.subscribe === 'function') return createIpcClient(bridge);
  return createHttpClient({ pageUrl: env.pageUrl, fetch: env.fetch, openSocket: env.openSocket });
}

export type { ApiClient, ConnectionState } from './client';
export { isUnreachable, toApiError } from './errors';
