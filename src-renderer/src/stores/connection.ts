/**
 * Can the app talk to Epochlab? `reachable` comes from a getSystemInfo call; `events` is the state of the
 * live channel. `resyncs` counts reconnections of the live channel: views refetch when it changes,
 * because events sent while it was down are lost.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SystemInfo } from '../contract';
import type { ConnectionState } from '../api/client';
import { isSignInError, isUnreachable, toApiError } from '../api/errors';
import { apiClient } from './client';

export type Reachability = 'checking' | 'ok' | 'unreachable' | 'refused';

export const useConnectionStore = defineStore('connection', () => {
  const reachable = ref<Reachability>('checking');
  const message = ref<string | null>(null);
  const system = ref<SystemInfo | null>(null);
  const events = ref<ConnectionState>('closed');
  const resyncs = ref(0);
  let wasOpen = false;
  let watching: (() => void) | null = null;

  async function check(): Promise<void> {
    reachable.value = 'checking';
    try {
      system.value = await apiClient().call('getSystemInfo', {});
      reachable.value = 'ok';
      message.value = null;
    } catch (error) {
      const e = toApiError(error);
      // Any other failure (an internal error) still means the server is there: views report their own.
      reachable.value = isUnreachable(e) ? 'unreachable' : isSignInError(e) ? 'refused' : 'ok';
      message.value = e.message;
    }
  }

  /** A failed call anywhere can report that the server went away. */
  function reportError(error: unknown): void {
    if (isUnreachable(error) || isSignInError(error)) {
      reachable.value = isUnreachable(error) ? 'unreachable' : 'refused';
      message.value = toApiError(error).message;
    }
  }

  function watchEvents(): void {
    if (watching) return;
    watching = apiClient().onConnection((state) => {
      events.value = state;
      if (state !== 'open') return;
      if (wasOpen) resyncs.value += 1;
      wasOpen = true;
      // The live channel came back: the server is up again, so find out properly.
      if (reachable.value === 'unreachable') void check();
    });
  }

  function retry(): void {
    apiClient().reconnect();
    void check();
  }

  return { reachable, message, system, events, resyncs, check, reportError, watchEvents, retry };
});
