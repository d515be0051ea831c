import { describe, expect, it } from 'vitest';
import { iterationAccounting, type NoiseScaleEpoch, type RunInsightRows, type RunSummary, type TrialParams } from '../../../src-main/contract';
import {
  analyzeExperiment, analyzeRun, criticalBatch, learningRateHint, roughly, scaledLearningRate, scalingRule, seedStatistics, sharpnessVsBatch, type AnalyzedRun,
} from '../../../src-main/engine/analysis/experiment';

const EMPTY: RunInsightRows = { noiseScale: [], sharpness: [], lrRange: null };

function run(id: number, params: Partial<TrialParams>, best: { val?: number | null; train?: number | null; acc?: number | null } = {}): RunSummary {
  const p: TrialParams = { learningRate: 0.01, batchSize: 32, epochs: 5, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 1, ...params };
  return {
    id, experimentId: 1, index: id - 1, status: 'completed', params: p, accounting: iterationAccounting(800, p.batchSize, p.epochs),
    backend: null, datasetFingerprint: null, createdAt: '', startedAt: null, endedAt: null, error: null, epochsDone: 5, stepsDone: 0,
    bestEpoch: 3, bestValLoss: best.val === undefined ? 0.2 : best.val, bestValAccuracy: best.acc === undefined ? 0.9 : best.acc,
    bestTrainLoss: best.train === undefined ? 0.15 : best.train, finalValLoss: null, finalValAccuracy: null, finalTrainLoss: null, divergedAtStep: null, seconds: 1,
    endReason: null, stopEpoch: null, tags: [], notes: '',
  };
}
const noiseRow = (epoch: number, bSimple: number | null): NoiseScaleEpoch => ({ epoch, step: epoch * 10, gradSq: 1, trace: bSimple, bSimple, measurements: epoch, overhead: 0.01 });

describe('one run', () => {
  it('carries its settings (defaults when the spec had none) and the median of its epochs\' overheads', () => {
    const rows = (overheads: Array<number | null>): RunInsightRows => ({ ...EMPTY, noiseScale: overheads.map((overhead, i) => ({ ...noiseRow(i + 1, 100), overhead })) });
    const a = analyzeRun(4, { runType: 'train', noiseScale: { everySteps: 10, ema: 0.95 } }, rows([0.3, 0.1, null, 0.2, 0.05]));
    expect(a).toMatchObject({ runId: 4, runType: 'train', settings: { noiseScale: { everySteps: 10 } } });
    expect(a.noiseScaleOverhead).toBeCloseTo(0.15, 12); // median of 0.05, 0.1, 0.2, 0.3 (the epoch without one left out)
    expect(analyzeRun(4, undefined, rows([null, null])).noiseScaleOverhead).toBeNull();
    expect(analyzeRun(4, undefined, EMPTY)).toMatchObject({ runType: 'train', settings: { runType: 'train' }, noiseScaleOverhead: null });
  });
});

describe('critical batch size across runs', () => {
  it('is the median of each run\'s last finite B_simple, with each batch size placed against it', () => {
    const runs: AnalyzedRun[] = [
      { run: run(1, { batchSize: 16 }), rows: { ...EMPTY, noiseScale: [noiseRow(1, 100), noiseRow(2, 300)] } },
      { run: run(2, { batchSize: 64 }), rows: { ...EMPTY, noiseScale: [noiseRow(1, 500), noiseRow(2, null)] } },
      { run: run(3, { batchSize: 256 }), rows: { ...EMPTY, noiseScale: [noiseRow(1, 383.7)] } },
      { run: run(4, { batchSize: 1024 }), rows: EMPTY },
    ];
    const c = criticalBatch(runs)!;
    expect(c.runs.map((r) => [r.runId, r.bSimple, r.epoch])).toEqual([[1, 300, 2], [2, 500, 1], [3, 383.7, 1]]);
    expect(c.bCrit).toBe(383.7);
    expect(c.batchSizes.map((b) => b.batchSize)).toEqual([16, 64, 256, 1024]);
    expect(c.batchSizes[3].ratio).toBeCloseTo(1024 / 383.7, 12);
    expect(c.batchSizes[3].bSimple).toBeNull();
    expect(c.sentence).toBe('B_crit ≈ 380: batch sizes well below it waste steps less than compute; well above it waste compute.');
    expect(roughly(0.01234)).toBe('0.012');
  });

  it('is absent without measurements, and says why when no estimate is positive', () => {
    expect(criticalBatch([{ run: run(1, {}), rows: EMPTY }])).toBeNull();
    const c = criticalBatch([{ run: run(1, {}), rows: { ...EMPTY, noiseScale: [noiseRow(1, null)] } }])!;
    expect(c.bCrit).toBeNull();
    expect(c.sentence).toMatch(/could not be estimated/);
  });
});

describe('sharpness vs batch size', () => {
  it('one row per run and checkpoint, sorted by batch size, with the gap at the best epoch', () => {
    const s = (checkpoint: 'best' | 'last', lambda: number) => ({
      checkpoint, epoch: 3, loss: 0.1, topEigenvalue: lambda, converged: true, epsSharpness: 1, epsilon: 1e-3, subset: 100, powerIterations: 20, ascentSteps: 10, seconds: 1, error: null,
    });
    const rows = sharpnessVsBatch([
      { run: run(1, { batchSize: 256 }, { val: 0.3, train: 0.1 }), rows: { ...EMPTY, sharpness: [s('best', 9), s('last', 10)] } },
      { run: run(2, { batchSize: 16 }, { val: 0.25, train: 0.2 }), rows: { ...EMPTY, sharpness: [s('last', 2)] } },
    ]);
    expect(rows.map((r) => [r.batchSize, r.checkpoint, r.topEigenvalue])).toEqual([[16, 'last', 2], [256, 'best', 9], [256, 'last', 10]]);
    expect(rows[0].gap).toBeCloseTo(0.05, 12);
    expect(rows[1].gap).toBeCloseTo(0.2, 12);
  });
});

describe('seed statistics between settings', () => {
  // Two settings (batch 32 vs 64) × 4 seeds, and a learning rate that is the same everywhere.
  const clear = [
    ...[0.151, 0.153, 0.149, 0.152].map((v, i) => run(i + 1, { batchSize: 32, seed: i + 1 }, { val: v, acc: 0.95 + i * 0.001 })),
    ...[0.171, 0.168, 0.174, 0.170].map((v, i) => run(i + 5, { batchSize: 64, seed: i + 1 }, { val: v, acc: 0.93 + i * 0.001 })),
  ];

  it('ranks settings by mean best validation loss and calls a clear difference distinguishable', () => {
    const s = seedStatistics(clear, 'config')!;
    expect(s.groups.map((g) => g.label)).toEqual(['batchSize 32', 'batchSize 64']);
    const loss = s.loss!;
    expect(loss.winner.runIds).toEqual([1, 2, 3, 4]);
    expect(loss.difference).toBeCloseTo(0.15125 - 0.17075, 12);
    expect(loss.pValue).toBeLessThan(0.001);
    expect(loss.distinguishable).toBe(true);
    expect(loss.bootstrap!.high).toBeLessThan(0);
    expect(s.accuracy!.difference).toBeCloseTo(0.02, 12);
    expect(s.sentence).toMatch(/^Over seeds, batchSize 32 \(mean best validation loss 0\.151\d, 4 runs\) beats batchSize 64 \(0\.1708, 4 runs\) by 0\.0195 \(95 % bootstrap interval of the difference -0\.0\d+ to -0\.0\d+, optimistic with under 5 runs each; Welch p = .*\): distinguishable from seed noise\.$/);
  });

  it('says when the difference is within seed noise, and how many seeds would settle it', () => {
    const noisy = [
      ...[0.15, 0.17, 0.16].map((v, i) => run(i + 1, { batchSize: 32, seed: i + 1 }, { val: v })),
      ...[0.165, 0.155, 0.175].map((v, i) => run(i + 4, { batchSize: 64, seed: i + 1 }, { val: v })),
    ];
    const s = seedStatistics(noisy, 'batchSize')!;
    expect(s.loss!.distinguishable).toBe(false);
    expect(s.loss!.seedsFor80).toBeGreaterThan(3);
    expect(s.sentence).toMatch(/not distinguishable from seed noise\. About \d+ runs per setting would detect a difference this size at 80 % power\.$/);
  });

  it('needs two seeds per setting, two settings, and validation losses', () => {
    expect(seedStatistics([run(1, { batchSize: 32 }), run(2, { batchSize: 64 })], 'config')!.sentence).toMatch(/needs at least two seeds of each/);
    expect(seedStatistics([run(1, { seed: 1 }), run(2, { seed: 2 })], 'config')!.sentence).toMatch(/Only one setting/);
    expect(seedStatistics([run(1, {}, { val: null })], 'config')).toBeNull();
  });

  it('groups by one parameter, pooling the others', () => {
    const mixed = [
      run(1, { batchSize: 32, learningRate: 0.01 }, { val: 0.1 }), run(2, { batchSize: 32, learningRate: 0.1 }, { val: 0.2 }),
      run(3, { batchSize: 64, learningRate: 0.01 }, { val: 0.3 }), run(4, { batchSize: 64, learningRate: 0.1 }, { val: 0.4 }),
    ];
    expect(seedStatistics(mixed, 'batchSize')!.groups.map((g) => [g.label, g.runIds])).toEqual([['batchSize 32', [1, 2]], ['batchSize 64', [3, 4]]]);
    expect(seedStatistics(mixed, 'config')!.groups).toHaveLength(4);
  });
});

describe('learning-rate scaling hint', () => {
  it('linear for SGD-type optimizers, square root for adaptive ones', () => {
    expect(scalingRule('sgd')).toBe('linear');
    expect(scalingRule('momentum')).toBe('linear');
    for (const o of ['adam', 'rmsprop', 'adamax', 'adagrad', 'adadelta'] as const) expect(scalingRule(o)).toBe('sqrt');
    expect(scaledLearningRate('linear', 0.1, 32, 128)).toBeCloseTo(0.4, 12);
    expect(scaledLearningRate('sqrt', 0.001, 32, 128)).toBeCloseTo(0.002, 12);
  });

  it('scales from the best run to every batch size tried, listing the learning rates tried at each', () => {
    const runs: AnalyzedRun[] = [
      run(1, { batchSize: 32, learningRate: 0.01, optimizer: 'sgd' }, { val: 0.3 }),
      run(2, { batchSize: 32, learningRate: 0.1, optimizer: 'sgd' }, { val: 0.2 }),
      run(3, { batchSize: 128, learningRate: 0.1, optimizer: 'sgd' }, { val: 0.25 }),
    ].map((r) => ({ run: r, rows: EMPTY }));
    const h = learningRateHint(runs)!;
    expect(h.rule).toBe('linear');
    expect(h.reference).toEqual({ runId: 2, batchSize: 32, learningRate: 0.1 });
    expect(h.rows).toEqual([
      { batchSize: 32, tried: [0.01, 0.1], best: 0.1, scaled: 0.1, rangeSuggestion: null },
      { batchSize: 128, tried: [0.1], best: 0.1, scaled: expect.closeTo(0.4, 12), rangeSuggestion: null },
    ]);
    expect(h.sentence).toMatch(/LR ∝ B .*Goyal.*0\.4 at B = 128/);
    expect(learningRateHint(runs.slice(0, 2))).toBeNull();
  });

  it('for LR range tests, starts from the smallest batch size\'s suggestion', () => {
    const range = (steepest: number) => ({ from: 1e-7, to: 10, iterations: 100, points: [], steepest, minimum: steepest * 10, minimumOver10: steepest, stopReason: 'x' });
    const runs: AnalyzedRun[] = [
      { run: run(1, { batchSize: 64 }, { val: null }), rows: { ...EMPTY, lrRange: range(0.004) } },
      { run: run(2, { batchSize: 16 }, { val: null }), rows: { ...EMPTY, lrRange: range(0.002) } },
    ];
    const h = learningRateHint(runs)!;
    expect(h.reference).toEqual({ runId: 2, batchSize: 16, learningRate: 0.002 });
    expect(h.rows.map((r) => [r.batchSize, r.rangeSuggestion, r.tried])).toEqual([[16, 0.002, []], [64, 0.004, []]]);
    expect(h.rows[1].scaled).toBeCloseTo(0.004, 12);
    const all = analyzeExperiment(1, runs, 'config');
    expect(all.lrRanges.map((r) => r.runId)).toEqual([1, 2]);
    expect(all.seedStatistics).toBeNull();
  });
});
