import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, diskFullFailure, experimentProgress, type ExperimentDetail, type ExperimentProgress, type RunSummary } from '../../../src-renderer/src/contract';
import { setApiClient } from '../../../src-renderer/src/stores/client';
import { DETAIL_REFRESH_MS, useExperimentStore } from '../../../src-renderer/src/stores/experiment';
import { useExperimentsStore, REFRESH_DEBOUNCE_MS } from '../../../src-renderer/src/stores/experiments';
import { useMetricsStore, upsertEpoch, chunks } from '../../../src-renderer/src/stores/metrics';
import { useConnectionStore } from '../../../src-renderer/src/stores/connection';
import { UnreachableError } from '../../../src-renderer/src/api/errors';
import { connectEvents } from '../../../src-renderer/src/stores/events';
import { makeEpochs, makeRun } from '../fixtures';
import { fakeClient, type FakeClient } from '../fake-client';

function detail(runs: RunSummary[]): ExperimentDetail {
  return {
    id: 1, name: 'e', notes: '', status: 'running', createdAt: '', datasetId: 'spiral', template: 'mlp', trialCount: runs.length,
    tags: [], counts: {}, progress: experimentProgress({ running: { runs: 1, planned: 44, done: 0 }, queued: { runs: 1, planned: 44, done: 0 } }),
    bestValLoss: null, bestRunId: null, spec: {} as ExperimentDetail['spec'], runs, plannedTrials: runs.length,
  };
}

/** What the services would send: 11 of 88 steps done, 7 s left. */
const LIVE: ExperimentProgress = { ...experimentProgress({ running: { runs: 1, planned: 44, done: 11 }, queued: { runs: 1, planned: 44, done: 0 } }), etaSeconds: 7 };
const progressEvent = (runId: number, step: number, experimentId = 1) =>
  ({ type: 'run-progress', experimentId, runId, step, totalSteps: 44, epoch: 1, loss: 0.9, elapsedMs: 1000, samplesPerSecond: 1050, experimentProgress: LIVE }) as const;

let client: FakeClient;
let runs: RunSummary[];
beforeEach(() => {
  vi.useFakeTimers();
  setActivePinia(createPinia());
  runs = [makeRun(1, {}, { status: 'running', stepsDone: 0, epochsDone: 0 }), makeRun(2, {}, { status: 'queued', stepsDone: 0, epochsDone: 0 })];
  client = fakeClient({
    getExperiment: () => detail(runs.map((r) => ({ ...r }))),
    listExperiments: () => [],
    getEpochMetrics: ({ runIds }) => Object.fromEntries(runIds.map((id) => [id, makeEpochs(makeRun(id), [1, 0.8])])),
  });
  setApiClient(client);
});
afterEach(() => vi.useRealTimers());

describe('experiment store', () => {
  it('shows the experiment progress the services computed, live from run-progress events', async () => {
    const store = useExperimentStore();
    connectEvents(client);
    await store.open(1);
    // Before any event: the summary's progress, against the planned total of both trials.
    expect(store.progress).toMatchObject({ plannedIterations: 88, doneIterations: 0, fraction: 0 });
    client.emit(progressEvent(1, 11));
    client.emit({ ...progressEvent(9, 1, 2), experimentProgress: experimentProgress({}) });
    expect(Object.keys(store.live)).toEqual(['1']);
    expect(store.liveLoss[1]).toEqual([{ step: 11, elapsedMs: 1000, loss: 0.9 }]);
    expect(store.progress).toEqual(LIVE);
    // The experiment-status event replaces it with the new totals.
    const stopped = experimentProgress({ cancelled: { runs: 2, planned: 88, done: 11 } });
    client.emit({ type: 'experiment-status', experimentId: 1, status: 'stopped', progress: stopped });
    expect(store.progress).toEqual(stopped);
    expect(store.detail?.status).toBe('stopped');
    expect(store.resumable).toBe(true);
  });

  it('applies status at once and refetches once after a burst of events', async () => {
    const store = useExperimentStore();
    connectEvents(client);
    await store.open(1);
    const before = client.calls.filter((c) => c.method === 'getExperiment').length;
    client.emit({ type: 'run-status', experimentId: 1, runId: 2, status: 'running', error: null, endReason: null });
    client.emit({ type: 'run-status', experimentId: 1, runId: 1, status: 'diverged', error: null, endReason: 'loss became NaN at step 3' });
    expect(store.runs[1].status).toBe('running');
    expect(store.runs[0]).toMatchObject({ status: 'diverged', error: null, endReason: 'loss became NaN at step 3' });
    await vi.advanceTimersByTimeAsync(DETAIL_REFRESH_MS + 10);
    expect(client.calls.filter((c) => c.method === 'getExperiment').length).toBe(before + 1);
  });

  it('keeps cached epoch curves live from run-epoch events', async () => {
    const metrics = useMetricsStore();
    connectEvents(client);
    await metrics.loadEpochs([1]);
    const m = makeEpochs(makeRun(1), [1, 0.8, 0.7])[2];
    client.emit({ type: 'run-epoch', experimentId: 1, runId: 1, metric: m });
    client.emit({ type: 'run-epoch', experimentId: 1, runId: 1, metric: m });
    expect(metrics.epochs[1].map((e) => e.epoch)).toEqual([1, 2, 3]);
    // Runs nobody looks at are not cached from events.
    client.emit({ type: 'run-epoch', experimentId: 1, runId: 5, metric: m });
    expect(metrics.epochs[5]).toBeUndefined();
    await metrics.loadEpochs([1]);
    expect(client.calls.filter((c) => c.method === 'getEpochMetrics')).toHaveLength(1);
  });

  it('reports a missing experiment as not found', async () => {
    client.handlers.getExperiment = () => { throw new ApiError('not-found', 'experiment 7 does not exist'); };
    const store = useExperimentStore();
    await store.open(7);
    expect(store.notFound).toBe(true);
    expect(store.error).toMatch(/does not exist/);
  });
});

describe('experiments store', () => {
  it('refreshes the list once after a burst of status events, and not for progress', async () => {
    const store = useExperimentsStore();
    connectEvents(client);
    await store.load();
    client.emit(progressEvent(1, 1));
    client.emit({ type: 'run-status', experimentId: 1, runId: 1, status: 'completed', error: null, endReason: null });
    client.emit({ type: 'experiment-status', experimentId: 1, status: 'finished', progress: experimentProgress({}) });
    await vi.advanceTimersByTimeAsync(REFRESH_DEBOUNCE_MS + 10);
    expect(client.calls.filter((c) => c.method === 'listExperiments')).toHaveLength(2);
  });

  it('marks the server unreachable when a call cannot get through', async () => {
    client.handlers.listExperiments = () => { throw new UnreachableError('Failed to fetch'); };
    const store = useExperimentsStore();
    await store.load();
    expect(store.error).toMatch(/Cannot reach/);
    expect(useConnectionStore().reachable).toBe('unreachable');
  });

  it('creates the demo through createExperiment and removes deleted experiments', async () => {
    client.handlers.createExperiment = ({ spec }) => ({ id: 3, name: spec.name } as never);
    client.handlers.deleteExperiment = () => ({ deleted: true });
    const store = useExperimentsStore();
    const created = await store.createDemo();
    expect(created.id).toBe(3);
    const sent = client.calls.at(-1)?.input as { spec: { params: { batchSize: number[]; learningRate: number[]; epochs: number } } };
    expect(sent.spec.params).toMatchObject({ batchSize: [16, 64, 256], learningRate: [0.01, 0.1], epochs: 10 });
    await store.remove(3);
    expect(store.items).toEqual([]);
  });
});

describe('connection store', () => {
  it('counts reconnections of the live channel so views can resync', async () => {
    client.handlers.getSystemInfo = () => ({ version: '0.1.0', dataDir: '/d', cliDataDir: null, cores: 2, backends: [], defaultConcurrency: 2, isolation: 'thread' });
    const store = useConnectionStore();
    store.watchEvents();
    expect(store.events).toBe('open');
    expect(store.resyncs).toBe(0);
    client.setConnection('closed');
    client.setConnection('open');
    expect(store.resyncs).toBe(1);
    await store.check();
    expect(store.reachable).toBe('ok');
  });
});

describe('metrics helpers', () => {
  it('upserts epochs in order and chunks run ids for the API cap', () => {
    const rows = makeEpochs(makeRun(1), [1, 0.5]);
    expect(upsertEpoch([rows[1]], rows[0]).map((r) => r.epoch)).toEqual([1, 2]);
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('resume', () => {
  it('offers resume only when a stopped experiment has runs left, and asks the server for it', async () => {
    const store = useExperimentStore();
    await store.open(1);
    // The fixture experiment is running: nothing to resume while it trains.
    expect(store.resumable).toBe(false);
    client.handlers.getExperiment = () => ({ ...detail(runs.map((r) => ({ ...r, status: r.id === 1 ? 'interrupted' as const : 'queued' as const }))), status: 'interrupted' });
    await store.load();
    expect(store.resumable).toBe(true);
    const notes = ['run 1: the resume point of epoch 3 was not used: its data does not match its hash', 'run 1 trains again from scratch: no resume point agrees with the database'];
    client.handlers.resumeExperiment = () => ({ queued: 2, notes });
    await expect(store.resume()).resolves.toBe(2);
    expect(client.calls.some((c) => c.method === 'resumeExperiment')).toBe(true);
    // The services' notes stay with the experiment until its next Resume, wherever Resume was pressed.
    expect(useExperimentsStore().resumeNotes[1]).toEqual(notes);
    client.handlers.resumeExperiment = () => ({ queued: 0, notes: [] });
    await useExperimentsStore().resume(1);
    expect(useExperimentsStore().resumeNotes[1]).toEqual([]);
  });

  it('follows isResumable: a run that failed only for a full disk is left work, any other failure is not', async () => {
    const store = useExperimentStore();
    const diskFull = diskFullFailure('ENOSPC: no space left on device');
    client.handlers.getExperiment = () => ({
      ...detail([makeRun(1, {}, { status: 'completed' }), makeRun(2, {}, { status: 'failed', error: diskFull }), makeRun(3, {}, { status: 'failed', error: 'out of memory' })]),
      status: 'interrupted',
    });
    await store.open(1);
    expect(store.resumable).toBe(true);
    expect(store.diskFullRuns.map((r) => r.id)).toEqual([2]);
    client.handlers.getExperiment = () => ({ ...detail([makeRun(1, {}, { status: 'completed' }), makeRun(3, {}, { status: 'failed', error: 'out of memory' })]), status: 'finished' });
    await store.load();
    expect(store.resumable).toBe(false);
    expect(store.diskFullRuns).toEqual([]);
  });
});
