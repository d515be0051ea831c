/** The preview: what an experiment will do, computed without training. */
import {
  iterationAccounting, splitSizes, type DatasetInfo, type ExperimentPreview, type ExperimentSpec, type IterationAccounting,
  type TrialPreview,
} from '../../contract';
import { analysisWarnings } from '../analysis/validate';
import { trialEpochs } from '../analysis/lr-range';
import { expandTrials } from './expand';
import { pruningWarnings } from './pruners';
import { searchSpaceOf, type Dimension } from './space';
import { plannedTrials } from './study';

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
  // No trials without training rows; whether the data can be trained on is decided by engine/datasets/rules.ts.
  if (nTrain < 1) {
    return { trialCount: 0, proposed: false, batchSizeRange: null, nTrain, nVal, dataset: datasets.train, trials: [], batchSizes: [], totalIterations: 0, warnings };
  }
  if (spec.search.method === 'tpe') return proposedPreview(spec, nTrain, nVal, warnings, datasets);
  const trials: TrialPreview[] = expandTrials(spec).map((params, index) => {
    const accounting = iterationAccounting(nTrain, params.batchSize, trialEpochs(spec, params, nTrain), spec.training.dropLastBatch);
    return { index, params, accounting, warnings: batchWarnings(params.batchSize, nTrain) };
  });
  for (const t of trials) for (const w of t.warnings) if (!warnings.includes(w)) warnings.push(w);
  if (trials.length) warnings.push(...pruningWarnings(spec.pruning, Math.max(...trials.map((t) => t.params.epochs)), trials.length));
  warnings.push(...analysisWarnings(spec));
  return {
    trialCount: trials.length,
    proposed: false,
    batchSizeRange: null,
    nTrain,
    nVal,
    dataset: datasets.train,
    trials,
    batchSizes: batchRows(trials.map((t) => t.accounting)),
    totalIterations: trials.reduce((sum, t) => sum + t.accounting.totalIterations, 0),
    warnings,
  };
}

function batchWarnings(batchSize: number, nTrain: number): string[] {
  return batchSize > nTrain ? [`batch size ${batchSize} is larger than the ${nTrain} training samples: full-batch training, 1 iteration per epoch`] : [];
}

/** The values a field can take in a proposed study: its choices, a range's two ends, or its one value. */
function candidateValues(dims: readonly Dimension[], fixed: Record<string, number | string>, name: 'batchSize' | 'epochs'): number[] {
  const dim = dims.find((d) => d.name === name);
  if (!dim) return [fixed[name] as number];
  return dim.kind === 'categorical' ? (dim.choices as number[]) : [dim.low, dim.high];
}

/**
 * TPE proposes its trials while training, so the preview lists what can occur: each batch size (a range's
 * ends) with the iterations of each possible epoch count, and the most the study can train.
 */
function proposedPreview(spec: ExperimentSpec, nTrain: number, nVal: number, warnings: string[], datasets: PreviewDatasets): ExperimentPreview {
  const { dims, fixed, seeds } = searchSpaceOf(spec);
  const trialCount = plannedTrials(spec, 0);
  const asked = spec.search.method === 'tpe' ? spec.search.trials : 0;
  if (trialCount < asked * seeds.length) {
    warnings.push(`the search space holds only ${trialCount / seeds.length} configurations, fewer than the ${asked} trials asked for: TPE stops when it has tried them all`);
  }
  const batchSizes = candidateValues(dims, fixed, 'batchSize');
  const epochs = candidateValues(dims, fixed, 'epochs');
  const accountings = batchSizes.flatMap((b) => epochs.map((e) => iterationAccounting(nTrain, b, e, spec.training.dropLastBatch)));
  for (const b of batchSizes) for (const w of batchWarnings(b, nTrain)) if (!warnings.includes(w)) warnings.push(w);
  warnings.push(...pruningWarnings(spec.pruning, Math.max(...epochs), trialCount));
  warnings.push(...analysisWarnings(spec));
  const batchDim = dims.find((d) => d.name === 'batchSize');
  return {
    trialCount,
    proposed: true,
    batchSizeRange: batchDim && batchDim.kind !== 'categorical' ? { from: batchDim.low, to: batchDim.high } : null,
    nTrain,
    nVal,
    dataset: datasets.train,
    trials: [],
    batchSizes: batchRows(accountings),
    totalIterations: trialCount * Math.max(...accountings.map((a) => a.totalIterations)),
    warnings,
  };
}

/** One row per distinct batch size, with every total that occurs. */
function batchRows(accountings: readonly IterationAccounting[]): ExperimentPreview['batchSizes'] {
  const byBatch = new Map<number, ExperimentPreview['batchSizes'][number]>();
  for (const a of accountings) {
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
  return [...byBatch.values()].sort((a, b) => a.batchSize - b.batchSize);
}
