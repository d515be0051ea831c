import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { batchSizeAt, iterationAccounting, type IterationMetric } from '../../src-main/contract';
import type { RunStore } from '../../src-main/store';
import { memoryStoreWithRun } from './helpers';

/** Rows as the training loop writes them for N = 1050, B = 100: 11 steps per epoch, the last of 50 samples. */
function seedExampleRows(epochs: number): IterationMetric[] {
  const acc = iterationAccounting(1050, 100, epochs);
  const rows: IterationMetric[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let batch = 0; batch < acc.iterationsPerEpoch; batch++) {
      const step = rows.length + 1;
      rows.push({
        step, epoch, batch, batchSize: batchSizeAt(acc, batch),
        loss: 1 / step + 0.01 * Math.sin(step), accuracy: 0.5, learningRate: 0.1 / epoch, elapsedMs: step * 2,
      });
    }
  }
  return rows;
}

describe('getIterationSeries', () => {
  let store: RunStore;
  let runId: number;
  beforeEach(() => {
    ({ store, runId } = memoryStoreWithRun());
  });
  afterEach(() => store.close());

  test('samplesSeen accumulates batch sizes, counting the short last batch of each epoch', () => {
    store.appendIterations(runId, seedExampleRows(2));
    const points = store.getIterationSeries(runId, 'loss', 1000);
    expect(points).toHaveLength(22);
    expect(points.slice(0, 3).map((p) => p.samplesSeen)).toEqual([100, 200, 300]);
    expect(points[10]).toMatchObject({ step: 11, epoch: 1, samplesSeen: 1050 });
    expect(points[11]).toMatchObject({ step: 12, epoch: 2, samplesSeen: 1150 });
    expect(points[21]).toMatchObject({ step: 22, epoch: 2, samplesSeen: 2100, elapsedMs: 44 });
  });

  test('each series reads its own column', () => {
    store.appendIterations(runId, seedExampleRows(2));
    expect(store.getIterationSeries(runId, 'batchSize', 100).slice(9, 12).map((p) => p.value)).toEqual([100, 50, 100]);
    expect(store.getIterationSeries(runId, 'learningRate', 100).slice(10, 12).map((p) => p.value)).toEqual([0.1, 0.05]);
    expect(store.getIterationSeries(runId, 'accuracy', 100).every((p) => p.value === 0.5)).toBe(true);
    expect(() => store.getIterationSeries(runId, 'loss', 1)).toThrow(/maxPoints/);
    expect(store.getIterationSeries(runId + 1, 'loss', 100)).toEqual([]);
  });

  test('a long run is downsampled to maxPoints, keeping first, last, the divergence point and the true samplesSeen', () => {
    const rows = seedExampleRows(1000); // 11,000 iterations
    for (const row of rows) if (row.step >= 10_500) row.loss = Number.NaN;
    for (let i = 0; i < rows.length; i += 500) store.appendIterations(runId, rows.slice(i, i + 500));
    const points = store.getIterationSeries(runId, 'loss', 500);
    expect(points.length).toBeLessThanOrEqual(500);
    expect(points.length).toBeGreaterThan(450);
    expect(points[0]).toMatchObject({ step: 1, samplesSeen: 100 });
    expect(points[points.length - 1]).toMatchObject({ step: 11_000, samplesSeen: 1_050_000, value: null });
    expect(points.find((p) => p.value === null)?.step).toBe(10_500);
    for (const p of points) {
      // samplesSeen is that of the kept step itself, not of its position in the downsampled list.
      const epochsBefore = Math.floor((p.step - 1) / 11);
      const inEpoch = (p.step - 1) % 11;
      expect(p.samplesSeen).toBe(epochsBefore * 1050 + Math.min(inEpoch + 1, 10) * 100 + (inEpoch === 10 ? 50 : 0));
    }
  });

  test('reads a 10k-iteration run down to its point budget (its speed is measured by npm run bench, store section)', () => {
    const rows = seedExampleRows(910); // 10,010 iterations
    for (let i = 0; i < rows.length; i += 500) store.appendIterations(runId, rows.slice(i, i + 500));
    const points = store.getIterationSeries(runId, 'loss', 2000);
    expect(points.length).toBeLessThanOrEqual(2000);
    expect(points.length).toBeGreaterThan(1000);
    expect(points[0].step).toBe(1);
    expect(points.at(-1)!.step).toBe(10_010);
  });
});
