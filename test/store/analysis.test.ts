import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LrRangeResult, NoiseScaleEpoch, SharpnessResult } from '../../src-main/contract';
import { openStore, type RunStore } from '../../src-main/store';
import { makeRuns, makeSpec } from './helpers';

const noise = (epoch: number, overrides: Partial<NoiseScaleEpoch> = {}): NoiseScaleEpoch => ({
  epoch, step: epoch * 10, gradSq: 0.5, trace: 120, bSimple: 240, measurements: epoch * 3, overhead: 0.02, ...overrides,
});
const sharp = (checkpoint: 'best' | 'last', epoch: number, overrides: Partial<SharpnessResult> = {}): SharpnessResult => ({
  checkpoint, epoch, loss: 0.2, topEigenvalue: 14.5, converged: true, epsSharpness: 3.1, epsilon: 1e-3, subset: 1000,
  powerIterations: 20, ascentSteps: 10, seconds: 2.5, error: null, ...overrides,
});
const lrRange: LrRangeResult = {
  from: 1e-7, to: 10, iterations: 100, steepest: 3e-3, minimum: 0.1, minimumOver10: 0.01, stopReason: 'the smoothed loss exceeded 4× its minimum at learning rate 2.1',
  points: [{ step: 1, learningRate: 1e-7, loss: 2.3, smoothed: 2.3 }, { step: 2, learningRate: 1.2e-7, loss: null, smoothed: null }],
};

describe('analysis rows', () => {
  let store: RunStore;
  let runIds: number[];
  let experimentId: number;
  beforeEach(() => {
    store = openStore(':memory:');
    const spec = makeSpec();
    ({ runIds, experimentId } = store.createExperiment(spec, makeRuns(spec)));
  });
  afterEach(() => store.close());

  test('a run without any has empty results', () => {
    expect(store.getInsights(runIds[0])).toEqual({ noiseScale: [], sharpness: [], lrRange: null });
  });

  test('round-trips every kind; noise rows are idempotent per epoch, end results replaced', () => {
    const id = runIds[0];
    store.saveInsight(id, { kind: 'noise-scale', row: noise(2) });
    store.saveInsight(id, { kind: 'noise-scale', row: noise(1) });
    store.saveInsight(id, { kind: 'noise-scale', row: noise(1, { bSimple: 999 }) });
    store.saveInsight(id, { kind: 'sharpness', rows: [sharp('best', 2), sharp('last', 3)] });
    store.saveInsight(id, { kind: 'sharpness', rows: [sharp('last', 3, { topEigenvalue: 20 })] });
    store.saveInsight(id, { kind: 'lr-range', result: lrRange });
    const got = store.getInsights(id);
    expect(got.noiseScale).toEqual([noise(1), noise(2)]);
    expect(got.sharpness).toEqual([sharp('best', 2), sharp('last', 3, { topEigenvalue: 20 })]);
    expect(got.lrRange).toEqual(lrRange);
    expect(store.getInsights(runIds[1]).noiseScale).toEqual([]);
  });

  test('non-finite numbers become null; bad rows and unknown runs are refused', () => {
    const id = runIds[0];
    store.saveInsight(id, { kind: 'noise-scale', row: noise(1, { bSimple: Number.NaN, gradSq: Number.POSITIVE_INFINITY, overhead: null }) });
    expect(store.getInsights(id).noiseScale[0]).toMatchObject({ bSimple: null, gradSq: null, overhead: null });
    expect(() => store.saveInsight(id, { kind: 'noise-scale', row: noise(0) })).toThrow(/epoch must be a whole number/);
    expect(() => store.saveInsight(id, { kind: 'sharpness', rows: [sharp('middle' as 'best', 1)] })).toThrow(/unknown checkpoint/);
    expect(() => store.saveInsight(424242, { kind: 'lr-range', result: lrRange })).toThrow(/no run 424242/);
  });

  test('queued again: noise rows up to the resume epoch stay; end results go; from scratch, all go', () => {
    const id = runIds[0];
    const fill = () => {
      for (const e of [1, 2, 3]) store.saveInsight(id, { kind: 'noise-scale', row: noise(e) });
      store.saveInsight(id, { kind: 'sharpness', rows: [sharp('last', 3)] });
      store.saveInsight(id, { kind: 'lr-range', result: lrRange });
    };
    fill();
    store.markRunStarted(id, { backend: { name: 'cpu', version: '4', device: 'cpu' }, datasetFingerprint: 'x' });
    store.markRunEnded(id, { status: 'interrupted', error: null, endReason: null, bestEpoch: null, divergedAtStep: null });
    store.requeueRun(id, { epoch: 2, bestEpoch: 1 });
    expect(store.getInsights(id)).toEqual({ noiseScale: [noise(1), noise(2)], sharpness: [], lrRange: null });
    fill();
    store.markRunStarted(id, { backend: { name: 'cpu', version: '4', device: 'cpu' }, datasetFingerprint: 'x' });
    store.markRunEnded(id, { status: 'cancelled', error: null, endReason: null, bestEpoch: null, divergedAtStep: null });
    store.requeueRun(id);
    expect(store.getInsights(id)).toEqual({ noiseScale: [], sharpness: [], lrRange: null });
  });

  test('deleting the experiment deletes its analysis rows', () => {
    store.saveInsight(runIds[0], { kind: 'noise-scale', row: noise(1) });
    store.deleteExperiment(experimentId);
    expect(store.getInsights(runIds[0])).toEqual({ noiseScale: [], sharpness: [], lrRange: null });
  });
});
