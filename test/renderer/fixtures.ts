/** Small, hand-checkable runs and metrics for renderer tests. */
import { iterationAccounting, type EpochMetric, type RunStatus, type RunSummary, type TrialParams } from '../../src-renderer/src/contract';

export const N_TRAIN = 1050;

export function makeRun(id: number, params: Partial<TrialParams> = {}, extra: Partial<RunSummary> = {}): RunSummary {
  const full: TrialParams = { learningRate: 0.01, batchSize: 100, epochs: 4, optimizer: 'adam', schedule: 'constant', weightDecay: 0, seed: 1, ...params };
  return {
    id,
    experimentId: 1,
    index: id - 1,
    status: 'completed' as RunStatus,
    params: full,
    accounting: iterationAccounting(N_TRAIN, full.batchSize, full.epochs),
    backend: { name: 'cpu', version: '4.22.0', device: 'CPU' },
    datasetFingerprint: 'abc123',
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    endedAt: '2026-01-01T00:00:09.000Z',
    error: null,
    endReason: null,
    stopEpoch: null,
    tags: [],
    notes: '',
    epochsDone: full.epochs,
    stepsDone: iterationAccounting(N_TRAIN, full.batchSize, full.epochs).totalIterations,
    bestEpoch: null,
    bestValLoss: null,
    bestValAccuracy: null,
    bestTrainLoss: null,
    finalValLoss: null,
    finalValAccuracy: null,
    finalTrainLoss: null,
    divergedAtStep: null,
    seconds: 8,
    ...extra,
  };
}

/** Epoch rows for a run with the given validation losses (train loss = val − 0.1, accuracy = 1 − val). */
export function makeEpochs(run: RunSummary, valLosses: Array<number | null>, msPerEpoch = 1000): EpochMetric[] {
  const acc = run.accounting;
  return valLosses.map((v, i) => ({
    epoch: i + 1,
    step: (i + 1) * acc.iterationsPerEpoch,
    trainLoss: v === null ? null : v - 0.1,
    trainAccuracy: v === null ? null : 1 - v + 0.05,
    valLoss: v,
    valAccuracy: v === null ? null : 1 - v,
    learningRate: run.params.learningRate,
    seconds: msPerEpoch / 1000,
    samplesSeen: (i + 1) * acc.samplesPerEpoch,
    elapsedMs: (i + 1) * msPerEpoch,
  }));
}
