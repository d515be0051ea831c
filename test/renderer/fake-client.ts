/** An in-memory ApiClient for store tests: answers come from per-method handlers; events are pushed by hand. */
import type { ApiMethod, ApiOutputs, ApiRawInput, EpochlabEvent } from '../../src-renderer/src/contract';
import type { ApiClient, ConnectionState } from '../../src-renderer/src/api/client';

type Handler<M extends ApiMethod> = (input: ApiRawInput<M>) => ApiOutputs[M] | Promise<ApiOutputs[M]>;
export type Handlers = { [M in ApiMethod]?: Handler<M> };

export interface FakeClient extends ApiClient {
  calls: Array<{ method: ApiMethod; input: unknown }>;
  emit(event: EpochlabEvent): void;
  setConnection(state: ConnectionState): void;
  handlers: Handlers;
}

export function fakeClient(handlers: Handlers = {}, options: { dialog?: ApiClient['importDatasetWithDialog']; upload?: ApiClient['uploadFile'] } = {}): FakeClient {
  const eventListeners = new Set<(e: EpochlabEvent) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'open';
  const client: FakeClient = {
    transport: 'http',
    calls: [],
    handlers,
    async call<M extends ApiMethod>(method: M, input: ApiRawInput<M>): Promise<ApiOutputs[M]> {
      client.calls.push({ method, input });
      const handler = client.handlers[method] as Handler<M> | undefined;
      if (!handler) throw new Error(`no fake handler for ${method}`);
      return handler(input);
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    importDatasetWithDialog: options.dialog ?? null,
    uploadFile: options.upload ?? null,
    reconnect() {},
    close() {},
    emit(event) {
      for (const l of eventListeners) l(event);
    },
    setConnection(next) {
      state = next;
      for (const l of stateListeners) l(next);
    },
  };
  return client;
}
