/**
 * The batch-size questions (issue 9): what a spec can ask for in its `analysis` section, and what the
 * engine measures and the store keeps — gradient noise scale per epoch, sharpness at the best and last
 * checkpoints, the LR range test as a run type, seed statistics between settings.
 */
import { z } from 'zod';

export const RUN_TYPES = ['train', 'lr-range-test'] as const;
export type RunType = (typeof RUN_TYPES)[number];

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(min, `${what} must be at least ${min}`)
    .max(max, `${what} must be at most ${max}`);
const between = (what: string, min: number, max: number, open = false) =>
  (open ? z.number({ error: `${what} must be a number` }).gt(min, `${what} must be greater than ${min}`) : z.number({ error: `${what} must be a number` }).min(min, `${what} must be at least ${min}`))
    .max(max, `${what} must be at most ${max}`);

/**
 * Gradient noise scale (McCandlish et al. 2018): every `everySteps` steps the step's batch is split into two
 * halves whose gradients are taken separately and averaged for the update, so the step trains on exactly
 * the same samples and no extra pass is made.
 */
export const noiseScaleSchema = z.strictObject({
  everySteps: whole('noise scale interval', 1, 100_000).default(10),
  /** Decay of the exponential moving averages of the |G|² and tr(Σ) estimates. */
  ema: between('noise scale EMA decay', 0, 0.999).default(0.95),
});
export type NoiseScaleSpec = z.infer<typeof noiseScaleSchema>;

/** Sharpness at the end of training, at the best and the last checkpoint, on a fixed subset of the training set. */
export const sharpnessSchema = z.strictObject({
  /** Training rows the loss is measured on (a fixed random draw from the training set, the same for every trial). */
  subset: whole('sharpness subset', 16, 100_000).default(1000),
  /** Power-iteration steps for the top Hessian eigenvalue (each costs two gradient passes on the subset; twice as many when the dominant eigenvalue is negative). */
  iterations: whole('power iterations', 2, 500).default(20),
  /** Keskar's ε: the box is ε·(|w| + 1) around the weights. */
  epsilon: between('sharpness epsilon', 0, 0.1, true).default(1e-3),
  /** Projected gradient-ascent steps inside the box. */
  ascentSteps: whole('ascent steps', 1, 200).default(10),
});
export type SharpnessSpec = z.infer<typeof sharpnessSchema>;

/** LR range test (Smith 2017; fastai's lr_find): the learning rate ramps exponentially over `iterations` steps. */
export const lrRangeSchema = z.strictObject({
  from: between('start learning rate', 0, 1e6, true).default(1e-7),
  to: between('end learning rate', 0, 1e6, true).default(10),
  iterations: whole('LR range iterations', 10, 10_000).default(100),
  /** Stop when the smoothed loss exceeds this many times its minimum. */
  stopFactor: between('stop factor', 1, 1000, true).default(4),
  /** EMA decay of the loss (bias-corrected), as fastai's 0.98. */
  smoothing: between('loss smoothing', 0, 0.999).default(0.98),
});
export type LrRangeSpec = z.infer<typeof lrRangeSchema>;

export const analysisSchema = z.strictObject({
  /** `lr-range-test`: every trial ramps its learning rate instead of training with params.learningRate. */
  runType: z.enum(RUN_TYPES, { error: () => `runType must be one of: ${RUN_TYPES.join(', ')}` }).default('train'),
  /** Off unless given: costs the split of one step in `everySteps`. */
  noiseScale: noiseScaleSchema.optional(),
  /** Off unless given: costs (2 × iterations + ascentSteps + 2) gradient passes over the subset, twice. */
  sharpness: sharpnessSchema.optional(),
  /** Settings of the LR range test; defaults when absent. */
  lrRange: lrRangeSchema.optional(),
});
export type AnalysisSpec = z.infer<typeof analysisSchema>;
export const DEFAULT_ANALYSIS: AnalysisSpec = { runType: 'train' };

/**
 * Gradient passes over the subset that sharpness costs per checkpoint, at most: one for the loss, two per
 * power iteration (a central difference) for up to two power iterations (the second only when the dominant
 * eigenvalue is negative), one per ascent step and one for the ascent's base point.
 */
export function sharpnessPasses(spec: SharpnessSpec): number {
  return 2 + 4 * spec.iterations + spec.ascentSteps;
}

export function lrRangeSettings(analysis: AnalysisSpec | undefined): LrRangeSpec {
  return analysis?.lrRange ?? lrRangeSchema.parse({});
}

/** One sentence next to each number, the same in the UI and the CLI. */
export const ANALYSIS_EXPLANATIONS = {
  bSimple:
    'B_simple = tr(Σ)/|G|², the gradient noise scale (McCandlish et al. 2018): the batch size at which the gradient noise equals its signal — below it, doubling the batch nearly halves the steps needed; far above it, a bigger batch saves few steps.',
  gradSq: '|G|²: the squared norm of the true gradient — an unbiased estimate from two batch sizes, averaged (EMA).',
  trace: 'tr(Σ): the summed variance of per-sample gradients — an unbiased estimate from two batch sizes, averaged (EMA).',
  overhead: 'Overhead: the extra time this epoch\'s split steps took, as a fraction of the epoch\'s step time (measured in this run).',
  topEigenvalue:
    'Top Hessian eigenvalue: the curvature of the training loss along its sharpest direction (power iteration on Hessian-vector products) — larger means a sharper minimum.',
  epsSharpness:
    'ε-sharpness (Keskar et al. 2017): the largest rise of the training loss within the box ε·(|w| + 1) around the weights, in % of 1 + loss.',
  lrRange:
    'LR range test (Smith 2017): the learning rate grows exponentially while the loss is recorded; the steepest fall of the smoothed loss, or a tenth of the LR at its minimum, is a good starting learning rate.',
  seeds:
    'Seed statistics: Welch\'s t-test and a bootstrap interval on the runs\' best validation losses say whether the winner beats the runner-up by more than seed-to-seed noise.',
  scaling:
    'When the batch size changes, the learning rate should follow: ∝ B for SGD (Goyal et al. 2017), ∝ √B for Adam-type optimizers (Malladi et al. 2022).',
  halfEpoch:
    'The training loss is an average over each epoch while validation is measured at its end, so training points are drawn at mid-epoch: a training curve plotted at the epoch\'s end lags by half an epoch (which is why validation loss can sit below training loss in epoch 1).',
} as const;

// ---------------------------------------------------------------------------------------------------------
// What is measured and stored.

/** One epoch of the gradient noise scale: the EMAs at the end of the epoch. */
export interface NoiseScaleEpoch {
  epoch: number;
  step: number;
  /** EMA of the unbiased estimate of |G|², the squared norm of the true gradient. */
  gradSq: number | null;
  /** EMA of the unbiased estimate of tr(Σ), the summed per-sample gradient variance. */
  trace: number | null;
  /** B_simple = tr(Σ) / |G|²; null while the |G|² estimate is not positive. */
  bSimple: number | null;
  /** Measurements so far in the run (each one split step). */
  measurements: number;
  /** Extra time the measured steps took this epoch, as a fraction of the epoch's plain step time. */
  overhead: number | null;
}

export const CHECKPOINT_POINTS = ['best', 'last'] as const;
export type CheckpointPoint = (typeof CHECKPOINT_POINTS)[number];

export interface SharpnessResult {
  checkpoint: CheckpointPoint;
  epoch: number;
  /** Training loss (data loss, evaluation mode) on the subset at these weights. */
  loss: number | null;
  /** Largest eigenvalue of the Hessian of that loss (power iteration on Hessian-vector products). */
  topEigenvalue: number | null;
  /** Whether the power iteration's relative change fell under its tolerance. */
  converged: boolean;
  /** Keskar et al.'s ε-sharpness, in percent: 100 · (max loss in the box − loss) / (1 + loss). */
  epsSharpness: number | null;
  epsilon: number;
  subset: number;
  powerIterations: number;
  ascentSteps: number;
  seconds: number;
  /** Why it could not be computed, when it could not. */
  error: string | null;
}

export interface LrRangePoint {
  step: number;
  learningRate: number;
  loss: number | null;
  smoothed: number | null;
}

export interface LrRangeResult {
  from: number;
  to: number;
  iterations: number;
  points: LrRangePoint[];
  /** Learning rate where the smoothed loss falls fastest (per log LR). */
  steepest: number | null;
  /** Learning rate at the smoothed loss's minimum, and a tenth of it (fastai's "minimum/10"). */
  minimum: number | null;
  minimumOver10: number | null;
  /** Why the ramp ended. */
  stopReason: string;
}

export type RunInsight =
  | { kind: 'noise-scale'; row: NoiseScaleEpoch }
  | { kind: 'sharpness'; rows: SharpnessResult[] }
  | { kind: 'lr-range'; result: LrRangeResult };

/** What the store keeps for one run. */
export interface RunInsightRows {
  noiseScale: NoiseScaleEpoch[];
  sharpness: SharpnessResult[];
  lrRange: LrRangeResult | null;
}

/** Everything measured for one run (getRunAnalysis). */
export interface RunAnalysis extends RunInsightRows {
  runId: number;
  runType: RunType;
  settings: AnalysisSpec;
  /** The noise scale's cost in this run: the median over epochs of `overhead`; null when none was measured. */
  noiseScaleOverhead: number | null;
}

// ---------------------------------------------------------------------------------------------------------
// Across the runs of an experiment (getExperimentAnalysis).

export interface NoiseScaleRunSummary {
  runId: number;
  batchSize: number;
  /** B_simple at the end of the run's last measured epoch. */
  bSimple: number | null;
  epoch: number | null;
  /** Every epoch's row, for the per-epoch chart. */
  rows: NoiseScaleEpoch[];
}

export interface CriticalBatchSummary {
  /** Median over the runs of their final B_simple. */
  bCrit: number | null;
  runs: NoiseScaleRunSummary[];
  /** The batch sizes tried, and where each sits relative to B_crit. */
  batchSizes: Array<{ batchSize: number; ratio: number | null; bSimple: number | null }>;
  sentence: string | null;
}

export interface SharpnessVsBatchRow {
  runId: number;
  batchSize: number;
  checkpoint: CheckpointPoint;
  epoch: number;
  topEigenvalue: number | null;
  epsSharpness: number | null;
  /** Generalization gap (val − train loss) at the run's best epoch. */
  gap: number | null;
}

export interface GroupSample {
  key: string;
  label: string;
  runIds: number[];
  values: number[];
  mean: number;
  std: number;
}

export interface TwoSampleComparison {
  metric: 'bestValLoss' | 'bestValAccuracy';
  winner: GroupSample;
  runnerUp: GroupSample;
  /** winner mean − runner-up mean. */
  difference: number;
  welchT: number | null;
  welchDf: number | null;
  pValue: number | null;
  /** Percentile bootstrap 95 % interval of the difference of means. */
  bootstrap: { low: number; high: number; resamples: number } | null;
  /** Runs per setting a two-sided t-test at α = 0.05 needs to detect this difference with 80 % power. */
  seedsFor80: number | null;
  distinguishable: boolean | null;
}

export interface SeedStatistics {
  groupBy: string;
  /** Groups ranked by mean best validation loss (best first). */
  groups: GroupSample[];
  loss: TwoSampleComparison | null;
  accuracy: TwoSampleComparison | null;
  sentence: string;
}

export interface LearningRateHintRow {
  batchSize: number;
  /** Learning rates tried at this batch size. */
  tried: number[];
  /** The learning rate of the best run at this batch size. */
  best: number | null;
  /** What the scaling rule suggests from the reference run. */
  scaled: number;
  /** LR range test suggestion at this batch size, when one was run. */
  rangeSuggestion: number | null;
}

export interface LearningRateHint {
  rule: 'linear' | 'sqrt';
  optimizer: string;
  reference: { runId: number; batchSize: number; learningRate: number };
  rows: LearningRateHintRow[];
  sentence: string;
}

export interface ExperimentAnalysis {
  experimentId: number;
  runIds: number[];
  criticalBatch: CriticalBatchSummary | null;
  sharpness: SharpnessVsBatchRow[];
  seedStatistics: SeedStatistics | null;
  learningRateHint: LearningRateHint | null;
  lrRanges: Array<{ runId: number; batchSize: number; optimizer: string; result: LrRangeResult }>;
}
