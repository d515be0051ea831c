import { parseSpec } from '../../../src-main/engine/search';
import { expandTrials } from '../../../src-main/engine/search';
import type { ExperimentSpecInput, TrialConfig } from '../../../src-main/contract';
import { createRng, randomNormal } from '../../../src-main/engine/random';
import type { TrainingData, TrainingSink } from '../../../src-main/engine/training/train';
import type { CheckpointInfo, EpochMetric, IterationMetric } from '../../../src-main/contract';

/** Two Gaussian blobs in 2-D: separable, so a sane learning rate learns it in a few epochs. */
export function blobs(n: number, seed = 1): { x: Float32Array; y: Int32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y[i] = c;
    x[2 * i] = (c ? 2 : -2) + randomNormal(rng) * 0.7;
    x[2 * i + 1] = (c ? 1 : -1) + randomNormal(rng) * 0.7;
  }
  return { x, y };
}

export function data(nTrain: number, nVal: number): TrainingData {
  return { train: blobs(nTrain, 1), val: nVal ? blobs(nVal, 2) : null, inputShape: [2], numClasses: 2 };
}

export function trialConfig(overrides: Partial<ExperimentSpecInput> & { params?: ExperimentSpecInput['params'] }): TrialConfig {
  const spec = parseSpec({ name: 't', dataset: { id: 'spiral' }, model: { template: 'mlp', hidden: [8] }, ...overrides });
  const params = expandTrials(spec)[0];
  return { params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training, analysis: spec.analysis };
}

export class RecordingSink implements TrainingSink {
  rows: IterationMetric[] = [];
  epochs: EpochMetric[] = [];
  bestEpochs: Array<number | null> = [];
  checkpoints: CheckpointInfo[] = [];
  iterations(rows: IterationMetric[]): void {
    this.rows.push(...rows);
  }
  epoch(row: EpochMetric, bestEpoch: number | null): void {
    this.epochs.push(row);
    this.bestEpochs.push(bestEpoch);
  }
  checkpoint(checkpoint: CheckpointInfo): void {
    this.checkpoints.push(checkpoint);
  }
}
