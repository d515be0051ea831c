import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_IMPORT_DIALOG_CHANNEL, IPC_INVOKE_CHANNEL, type EpochlabBridge } from '../../src-main/contract';
import { fake } from '../app/fake-electron';

vi.mock('electron', async () => (await import('../app/fake-electron')).fake);

let bridge: EpochlabBridge;

beforeAll(async () => {
  await import('../../src-main/preload/bridge');
  expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [name, exposed] = fake.contextBridge.exposeInMainWorld.mock.calls[0] as [string, EpochlabBridge];
  expect(name).toBe('epochlab');
  bridge = exposed;
});

describe('preload bridge', () => {
  it('exposes exactly invoke, subscribe and importDatasetWithDialog, all functions', () => {
    expect(Object.keys(bridge).sort()).toEqual(['importDatasetWithDialog', 'invoke', 'subscribe']);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.values(bridge)).not.toContain(fake.ipcRenderer);
  });

  it('invokes over the contract channels', async () => {
    await bridge.invoke('getRun', { runId: 1 });
    await bridge.importDatasetWithDialog('csv', 'iris', { header: false });
    expect(fake.ipcRenderer.invoke.mock.calls).toEqual([[IPC_INVOKE_CHANNEL, 'getRun', { runId: 1 }], [IPC_IMPORT_DIALOG_CHANNEL, 'csv', 'iris', { header: false }]]);
  });

  it('gives listeners the event only, never the IpcRendererEvent, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.subscribe(listener);
    const [channel, forward] = fake.ipcRenderer.on.mock.calls[0] as [string, (event: unknown, payload: unknown) => void];
    expect(channel).toBe(IPC_EVENT_CHANNEL);
    forward({ sender: 'ipcRenderer internals' }, { type: 'experiment-status', experimentId: 1, status: 'finished' });
    expect(listener.mock.calls).toEqual([[{ type: 'experiment-status', experimentId: 1, status: 'finished' }]]);
    unsubscribe();
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, forward);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => bridge.subscribe('nope' as unknown as () => void)).toThrow(TypeError);
  });
});
