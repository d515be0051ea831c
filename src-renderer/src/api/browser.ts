/** The browser glue for createApiClient: the real window, fetch and WebSocket. Only main.ts imports it. */
import type { ClientEnvironment } from './create-client';

export function browserEnvironment(win: Window & typeof globalThis): ClientEnvironment {
  return {
    epochlab: win.epochlab,
    pageUrl: win.location.href,
    // Called through `win` so that fetch keeps its receiver (an unbound fetch throws "Illegal invocation").
    fetch: (url, init) => win.fetch(url, init),
    openSocket: (url, handlers) => {
      const socket = new win.WebSocket(url);
      socket.onopen = () => handlers.open();
      socket.onmessage = (event: MessageEvent) => handlers.message(event.data);
      socket.onclose = () => handlers.close();
      // An error is always followed by close, which does the reconnecting.
      socket.onerror = () => undefined;
      return { close: () => socket.close() };
    },
  };
}
