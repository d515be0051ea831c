/**
 * The API client the stores use, installed once by main.ts (and by tests, with a fake). Stores take it from
 * here rather than importing a transport, so they run in node against any ApiClient.
 */
import type { ApiClient } from '../api/client';

let current: ApiClient | null = null;

export function setApiClient(client: ApiClient): void {
  current = client;
}

export function apiClient(): ApiClient {
  if (!current) throw new Error('the API client is not installed (setApiClient)');
  return current;
}
