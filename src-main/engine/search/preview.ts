/** The preview: what an experiment will do, computed without training. */
import {
  iterationAccounting, splitSizes, type DatasetInfo, type ExperimentPreview, type ExperimentSpec, type TrialPreview,
} from '../../contract';
import { analysisWarnings } from '../analysis/validate';
import { trialEpochs } from '../analysis/lr-range';
import { expandTrials } from './expand';

export interface PreviewDatasets {
  train: DatasetInfo;
  /** The separate validation dataset, when the spec names one. */
  validation?: DatasetInfo;
}

export function trainValSizes(spec: ExperimentSpec, datasets: PreviewDatasets): { nTrain: number; nVal: number } {
  if ('split' in spec.validation) return splitSizes(datasets.train.classCounts, spec.validation.split);
  return { nTrain: datasets.train.rows, nVal: datasets.validation?.rows ?? 0 };
}

export function previewExperiment(spec: ExperimentSpec, datasets: PreviewDatasets): ExperimentPreview {
  const { nTrain, nVal } = trainValSizes(spec, datasets);
  const warnings: string[] = [];
  if (nTrain < 1) {
    return { trialCount: 0, nTrain, nVal, dataset: datasets.train, trials: [], batchSizes: [], totalIterations: 0, warnings: ['the split leaves no training rows'] };
  }
  const trials: TrialPreview[] = expandTrials(spec).map((params, index) => {
    const accounting = iterationAccounting(nTrain, params.batchSize, trialEpochs(spec, params, nTrain), spec.training.dropLastBatch);
    const trialWarnings: string[] = [];
    if (params.batchSize > nTrain) {
      trialWarnings.push(`batch size ${params.batchSize} is larger than the ${nTrain} training samples: full-batch training, 1 iteration per epoch`);
    }
    return { index, params, accounting, warnings: trialWarnings };
  });
  const byBatch = new Map<number, ExperimentPreview['batchSizes'][number]>();
  for (const { accounting: a } of trials) {
    const row = byBatch.get(a.batchSize) ?? {
      batchSize: a.batchSize,
      effectiveBatchSize: a.effectiveBatchSize,
      iterationsPerEpoch: a.iterationsPerEpoch,
      lastBatchSize: a.lastBatchSize,
      totalIterations: [],
    };
    if (!row.totalIterations.includes(a.totalIterations)) row.totalIterations.push(a.totalIterations);
    byBatch.set(a.batchSize, row);
  }
  for (const t of trials) for (const w of t.warnings) if (!warnings.includes(w)) warnings.push(w);
  warnings.push(...analysisWarnings(spec));
  if (spec.model.template === 'cnn' && datasets.train.inputShape.length !== 3) {
    warnings.push(`the CNN template needs image data; ${datasets.train.name} has samples of shape [${datasets.train.inputShape.join(', ')}]`);
  }
  return {
    trialCount: trials.length,
    nTrain,
    nVal,
    dataset: datasets.train,
    trials,
    batchSizes: [...byBatch.values()].sort((a, b) => a.batchSize - b.batchSize),
    totalIterations: trials.reduce((sum, t) => sum + t.accounting.totalIterations, 0),
    warnings,
  };
}
