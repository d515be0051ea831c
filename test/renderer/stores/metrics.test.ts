import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { EpochMetric, SeriesPoint } from '../../../src-renderer/src/contract';
import { setApiClient } from '../../../src-renderer/src/stores/client';
import { useMetricsStore } from '../../../src-renderer/src/stores/metrics';
import { connectEvents } from '../../../src-renderer/src/stores/events';
import { makeEpochs, makeRun } from '../fixtures';
import { fakeClient, type FakeClient } from '../fake-client';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const series = (n: number): SeriesPoint[] => Array.from({ length: n }, (_, i) => ({ step: i + 1, epoch: 1, value: 1 / (i + 1), elapsedMs: i, samplesSeen: i * 10 }));

let client: FakeClient;
beforeEach(() => {
  setActivePinia(createPinia());
  client = fakeClient({ getIterationSeries: ({ runIds, maxPoints }) => Object.fromEntries(runIds.map((id) => [id, series(Math.min(50, maxPoints ?? 50))])) });
  setApiClient(client);
  connectEvents(client);
});

describe('metrics store', () => {
  it('keeps epoch 1 of a run that just started when its event arrives while the rows are being fetched', async () => {
    const run = makeRun(1, {}, { status: 'running' });
    const [first, second] = makeEpochs(run, [1, 0.8]);
    const answer = deferred<Record<number, EpochMetric[]>>();
    client.handlers.getEpochMetrics = () => answer.promise;
    const metrics = useMetricsStore();
    const loading = metrics.loadEpochs([1]);
    // Epoch 1 is stored and announced after the server read the (empty) rows, before the answer arrives.
    client.emit({ type: 'run-epoch', experimentId: 1, runId: 1, metric: first });
    answer.resolve({ 1: [] });
    await loading;
    expect(metrics.epochs[1].map((e) => e.epoch)).toEqual([1]);
    client.emit({ type: 'run-epoch', experimentId: 1, runId: 1, metric: second });
    expect(metrics.epochs[1].map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('fetches epoch rows once when two views ask at the same time', async () => {
    client.handlers.getEpochMetrics = ({ runIds }) => Object.fromEntries(runIds.map((id) => [id, makeEpochs(makeRun(id), [1])]));
    const metrics = useMetricsStore();
    await Promise.all([metrics.loadEpochs([1, 2]), metrics.loadEpochs([2, 1])]);
    expect(client.calls.filter((c) => c.method === 'getEpochMetrics')).toHaveLength(1);
    await metrics.loadEpochs([1], true);
    expect(client.calls.filter((c) => c.method === 'getEpochMetrics')).toHaveLength(2);
  });

  it('fetches each iteration series once: shared while in flight, kept when cached, refetched on request', async () => {
    const metrics = useMetricsStore();
    await Promise.all([metrics.loadIterations([1, 2], 'loss', 1000, { cached: true }), metrics.loadIterations([1, 2], 'loss', 1000, { cached: true })]);
    expect(client.calls.filter((c) => c.method === 'getIterationSeries')).toHaveLength(1);
    expect(metrics.loadingIterations).toBe(0);
    await metrics.loadIterations([1, 2], 'loss', 1000, { cached: true });
    expect(client.calls.filter((c) => c.method === 'getIterationSeries')).toHaveLength(1);
    // A bigger budget, another series, or an explicit refresh (a run still training) asks again.
    await metrics.loadIterations([1], 'loss', 2000, { cached: true });
    await metrics.loadIterations([1], 'accuracy', 1000, { cached: true });
    await metrics.loadIterations([2], 'loss', 1000);
    expect(client.calls.filter((c) => c.method === 'getIterationSeries').map((c) => c.input)).toEqual([
      { runIds: [1, 2], series: 'loss', maxPoints: 1000 },
      { runIds: [1], series: 'loss', maxPoints: 2000 },
      { runIds: [1], series: 'accuracy', maxPoints: 1000 },
      { runIds: [2], series: 'loss', maxPoints: 1000 },
    ]);
  });

  it('counts iteration requests in flight, for the spinner', async () => {
    const answer = deferred<Record<number, SeriesPoint[]>>();
    client.handlers.getIterationSeries = () => answer.promise;
    const metrics = useMetricsStore();
    const loading = metrics.loadIterations([1], 'loss', 500, { cached: true });
    expect(metrics.loadingIterations).toBe(1);
    answer.resolve({ 1: series(5) });
    await loading;
    expect(metrics.loadingIterations).toBe(0);
    expect(metrics.iterations.loss[1]).toHaveLength(5);
  });
});
