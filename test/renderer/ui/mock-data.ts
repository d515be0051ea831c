/**
 * Deterministic, obviously synthetic data for the UI tests' mock API. Test code only: the shipped app never
 * sees it. Names carry the A4 payloads so every view is checked for rendering user text as text.
 */
import {
  experimentProgress, iterationAccounting, summarizeRuns, type DatasetInfo, type RunTotals, type EpochMetric, type ExperimentDetail, type ExperimentSpec, type RunInsightRows, type RunSummary,
  type SeriesPoint, type TrialParams,
} from '../../../src-renderer/src/contract';

export const XSS_NAME = '<img src=x onerror="window.__xss=1">';
export const TEMPLATE_NOTES = "{{constructor.constructor('window.__xss=2')()}}";

export const DATASETS: DatasetInfo[] = [
  {
    id: 'spiral', name: 'Spiral', source: 'builtin', kind: 'synthetic-2d', inputShape: [2], numClasses: 3, classNames: ['0', '1', '2'],
    rows: 1000, classCounts: [334, 333, 333], description: 'Interleaved spiral arms (mock).', fingerprint: null,
    options: { size: 1000, noise: 0.2, seed: 0, classes: 3 },
  },
  {
    id: 'imported-1', name: XSS_NAME, source: 'imported', kind: 'tabular', inputShape: [4], numClasses: 2, classNames: ['<b>a</b>', 'b'],
    rows: 1313, classCounts: [656, 657], description: TEMPLATE_NOTES, fingerprint: 'f00d',
  },
];

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface MockRun {
  summary: RunSummary;
  epochs: EpochMetric[];
  iterations: number;
  /** Analysis rows (noise scale, sharpness, LR range test), when a test gives some. */
  insights?: RunInsightRows;
}

export const NO_INSIGHTS: RunInsightRows = { noiseScale: [], sharpness: [], lrRange: null };

export function makeMockRun(id: number, experimentId: number, index: number, params: TrialParams, nTrain: number, status: RunSummary['status'] = 'completed'): MockRun {
  const acc = iterationAccounting(nTrain, params.batchSize, params.epochs);
  const r = rng(id * 7919);
  const speed = 0.15 + 2 * params.learningRate + 20 / params.batchSize;
  const floor = 0.05 + 0.1 * Math.log10(params.batchSize) / 3;
  const epochs: EpochMetric[] = [];
  for (let e = 1; e <= params.epochs; e++) {
    const train = floor * 0.6 + Math.exp(-speed * e) + 0.01 * r();
    const val = floor + Math.exp(-speed * e) * 1.1 + 0.002 * (e - 5) ** 2 * (params.learningRate > 0.05 ? 1 : 0.2) + 0.01 * r();
    epochs.push({
      epoch: e, step: e * acc.iterationsPerEpoch, trainLoss: train, trainAccuracy: Math.min(1, 1.02 - train / 2), valLoss: val,
      valAccuracy: Math.min(1, 1 - val / 2), learningRate: params.learningRate, seconds: acc.iterationsPerEpoch / 500,
      samplesSeen: e * acc.samplesPerEpoch, elapsedMs: Math.round((e * acc.iterationsPerEpoch * 1000) / 500),
    });
  }
  const best = epochs.reduce((a, b) => ((b.valLoss ?? Infinity) < (a.valLoss ?? Infinity) ? b : a));
  const last = epochs[epochs.length - 1];
  const summary: RunSummary = {
    id, experimentId, index, status, params, accounting: acc,
    backend: { name: 'cpu', version: 'mock', device: 'mock CPU' }, datasetFingerprint: 'mock-fingerprint',
    createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:01.000Z', endedAt: '2026-01-01T00:01:00.000Z',
    error: null, endReason: null, stopEpoch: null, tags: [], notes: '', epochsDone: params.epochs, stepsDone: acc.totalIterations, bestEpoch: best.epoch, bestValLoss: best.valLoss,
    bestValAccuracy: best.valAccuracy, bestTrainLoss: best.trainLoss, finalValLoss: last.valLoss, finalValAccuracy: last.valAccuracy,
    finalTrainLoss: last.trainLoss, divergedAtStep: null, seconds: last.elapsedMs / 1000,
  };
  return { summary, epochs, iterations: acc.totalIterations };
}

/** Per-iteration loss, computed on request and downsampled by stride to at most maxPoints (the real server uses LTTB). */
export function mockSeries(run: MockRun, maxPoints: number): SeriesPoint[] {
  const { accounting: acc } = run.summary;
  const total = Math.min(run.iterations, run.summary.stepsDone);
  const stride = Math.max(1, Math.ceil(total / maxPoints));
  const r = rng(run.summary.id);
  const out: SeriesPoint[] = [];
  for (let step = 1; step <= total; step += stride) {
    const epoch = Math.ceil(step / acc.iterationsPerEpoch);
    const base = run.epochs[Math.min(run.epochs.length, epoch) - 1]?.trainLoss ?? 1;
    out.push({ step, epoch, value: base * (0.7 + 0.6 * r()), elapsedMs: step * 2, samplesSeen: Math.min(step * acc.effectiveBatchSize, epoch * acc.samplesPerEpoch) });
  }
  return out;
}

/** What the services would aggregate from these runs (the mock's stand-in for the store's query). */
/** Per-status totals as the services sum them (contract summarizeRuns: a disk-full failure is unfinished work). */
export function totalsOf(runs: readonly RunSummary[]): RunTotals {
  return summarizeRuns(runs).totals;
}

export function makeExperiment(id: number, name: string, notes: string, grid: Array<Partial<TrialParams>>, firstRunId: number, nTrain = 800): { detail: ExperimentDetail; runs: MockRun[] } {
  const runs = grid.map((g, i) =>
    makeMockRun(firstRunId + i, id, i, { learningRate: 0.01, batchSize: 32, epochs: 10, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 1, ...g }, nTrain),
  );
  const best = runs.reduce((a, b) => ((b.summary.bestValLoss ?? Infinity) < (a.summary.bestValLoss ?? Infinity) ? b : a));
  const spec = {
    name, notes, dataset: { id: 'spiral' }, validation: { split: 0.2, seed: 0 }, model: { template: 'mlp', hidden: [32], activation: 'relu', dropout: 0 },
    search: { method: 'grid' }, params: { batchSize: [16, 64, 256], learningRate: [0.01, 0.1], epochs: 10 },
    training: { dropLastBatch: false, shuffle: true, checkpoints: 'best-and-last', scheduleOptions: { stepEpochs: 5, gamma: 0.5, decayRate: 0.9, warmupEpochs: 1, minFactor: 0 } },
  } as unknown as ExperimentSpec;
  const detail: ExperimentDetail = {
    id, name, notes, tags: [], status: 'finished', createdAt: '2026-01-01T00:00:00.000Z', datasetId: 'spiral', template: 'mlp', trialCount: runs.length,
    counts: { completed: runs.length }, progress: experimentProgress(totalsOf(runs.map((r) => r.summary))), bestValLoss: best.summary.bestValLoss, bestRunId: best.summary.id, spec, runs: runs.map((r) => r.summary),
    plannedTrials: runs.length,
  };
  return { detail, runs };
}

/**
 * Rewrites a mock run's epoch rows (e.g. a generalization gap that starts negative) and derives its summary
 * from them as the engine would store it: best epoch = lowest validation loss.
 */
export function reshapeEpochs(run: MockRun, change: (epoch: EpochMetric) => Partial<EpochMetric>): MockRun {
  run.epochs = run.epochs.map((e) => ({ ...e, ...change(e) }));
  const best = run.epochs.reduce((a, b) => ((b.valLoss ?? Infinity) < (a.valLoss ?? Infinity) ? b : a));
  const last = run.epochs[run.epochs.length - 1];
  run.summary = {
    ...run.summary, bestEpoch: best.epoch, bestValLoss: best.valLoss, bestValAccuracy: best.valAccuracy, bestTrainLoss: best.trainLoss,
    finalValLoss: last.valLoss, finalValAccuracy: last.valAccuracy, finalTrainLoss: last.trainLoss,
  };
  return run;
}

/** A run that has just started: running, no epoch yet. */
export function freshRun(run: MockRun): MockRun {
  run.summary = { ...run.summary, status: 'running', epochsDone: 0, stepsDone: 0, bestEpoch: null, bestValLoss: null, bestValAccuracy: null, bestTrainLoss: null, finalValLoss: null, finalValAccuracy: null, finalTrainLoss: null, seconds: null };
  run.epochs = [];
  return run;
}

/**
 * A finished TPE study with median pruning: 12 trials over learning rate and batch size, three of them
 * pruned after 2 epochs (their epochs cut there, as the server stores them).
 */
export function makeStudyExperiment(id: number, firstRunId: number): { detail: ExperimentDetail; runs: MockRun[] } {
  const lrs = [0.003, 0.08, 0.02, 0.0005, 0.05, 0.01, 0.2, 0.0008, 0.03, 0.006, 0.015, 0.04];
  const built = makeExperiment(id, 'tpe study', '', lrs.map((learningRate, i) => ({ learningRate, batchSize: [16, 64, 256][i % 3] })), firstRunId);
  for (const index of [3, 6, 7]) {
    const run = built.runs[index];
    run.epochs = run.epochs.slice(0, 2);
    const last = run.epochs[1];
    run.summary = {
      ...run.summary, status: 'pruned', epochsDone: 2, stepsDone: last.step, bestEpoch: 2, bestValLoss: last.valLoss, finalValLoss: last.valLoss,
      endReason: 'pruned at epoch 2 (median rule): best val_loss so far 0.9000 is worse than the median 0.4000 of 5 completed trials at epoch 2',
    };
  }
  built.detail.spec = {
    ...built.detail.spec,
    search: { method: 'tpe', trials: 12, seed: 0, startupTrials: 5, candidates: 24, multivariate: true },
    pruning: { method: 'median', startupTrials: 5, warmupEpochs: 0, intervalEpochs: 1 },
    params: { learningRate: { from: 1e-4, to: 0.3, scale: 'log' }, batchSize: [16, 64, 256], epochs: 10 },
  } as ExperimentSpec;
  built.detail.runs = built.runs.map((r) => r.summary);
  built.detail.counts = { completed: 9, pruned: 3 };
  return built;
}
