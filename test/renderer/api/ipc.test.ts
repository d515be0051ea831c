import { describe, expect, it, vi } from 'vitest';
import { ApiError, experimentProgress, type EpochlabBridge, type EpochlabEvent } from '../../../src-renderer/src/contract';
import { createIpcClient } from '../../../src-renderer/src/api/ipc';
import { createApiClient } from '../../../src-renderer/src/api/create-client';
import { UnreachableError } from '../../../src-renderer/src/api/errors';

function bridge(overrides: Partial<EpochlabBridge> = {}): EpochlabBridge {
  return {
    invoke: vi.fn(async () => ({ ok: true as const, value: [] })),
    subscribe: vi.fn(() => () => undefined),
    importDatasetWithDialog: vi.fn(async () => ({ ok: true as const, value: null })),
    ...overrides,
  };
}

describe('createIpcClient', () => {
  it('unwraps ok results and passes the input through', async () => {
    const b = bridge();
    const client = createIpcClient(b);
    await expect(client.call('listExperiments', {})).resolves.toEqual([]);
    expect(b.invoke).toHaveBeenCalledWith('listExperiments', {});
  });

  it('rebuilds ApiError with issues from a wrapped error', async () => {
    const client = createIpcClient(bridge({
      invoke: async () => ({ ok: false as const, error: { code: 'invalid' as const, message: 'no', issues: [{ path: 'spec.name', message: 'give the experiment a name' }] } }),
    }));
    const error = await client.call('previewExperiment', { spec: {} as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid', issues: [{ path: 'spec.name', message: 'give the experiment a name' }] });
  });

  it('treats a failing channel as unreachable and a malformed answer as failed', async () => {
    const dead = createIpcClient(bridge({ invoke: async () => { throw new Error('No handler registered'); } }));
    await expect(dead.call('listDatasets', {})).rejects.toBeInstanceOf(UnreachableError);
    const odd = createIpcClient(bridge({ invoke: async () => 42 as never }));
    await expect(odd.call('listDatasets', {})).rejects.toThrow(/malformed/);
  });

  it('subscribes through the bridge and imports through the dialog', async () => {
    const listeners: Array<(e: EpochlabEvent) => void> = [];
    const b = bridge({ subscribe: (l) => { listeners.push(l); return () => undefined; } });
    const client = createIpcClient(b);
    const seen: EpochlabEvent[] = [];
    client.onEvent((e) => seen.push(e));
    listeners[0]({ type: 'experiment-status', experimentId: 2, status: 'running', progress: experimentProgress({}) });
    expect(seen).toHaveLength(1);
    await expect(client.importDatasetWithDialog!('csv', 'mine', {})).resolves.toBeNull();
    expect(b.importDatasetWithDialog).toHaveBeenCalledWith('csv', 'mine', {});
    expect(client.uploadFile).toBeNull();
  });
});

describe('createApiClient', () => {
  const env = { pageUrl: 'http://127.0.0.1:1/', fetch: vi.fn(), openSocket: vi.fn() };
  it('picks IPC when the bridge exists and HTTP otherwise', () => {
    expect(createApiClient({ ...env, epochlab: bridge() }).transport).toBe('ipc');
    expect(createApiClient(env).transport).toBe('http');
    expect(createApiClient(env).importDatasetWithDialog).toBeNull();
    expect(createApiClient(env).uploadFile).not.toBeNull();
  });
});
