/**
 * One run's analysis (its rows and what they add up to), and across an experiment's runs: the critical batch size from the runs' noise scales, sharpness against batch
 * size next to the generalization gap, seed statistics between the two best settings, and the learning-rate
 * scaling hint for the batch sizes tried. Pure: the services pass runs and their stored rows.
 */
import {
  DEFAULT_ANALYSIS, PARAM_ORDER, type AnalysisSpec, type CriticalBatchSummary, type ExperimentAnalysis, type GroupSample, type LearningRateHint, type Optimizer,
  type ParamName, type RunAnalysis, type RunInsightRows, type RunSummary, type SeedStatistics, type SharpnessVsBatchRow, type TrialParams,
  type TwoSampleComparison,
} from '../../contract';
import { bootstrapDifference, moments, pooledEffectSize, seedsForPower, welchTTest } from './seed-statistics';

export interface AnalyzedRun {
  run: RunSummary;
  rows: RunInsightRows;
}

export type AnalysisGroupBy = 'config' | ParamName;

/** Significance level of the seed statistics' verdict. */
export const ALPHA = 0.05;
export const BOOTSTRAP_RESAMPLES = 10_000;
/** Below this many runs per setting the sentence warns that the bootstrap interval is optimistic. */
export const FEW_FOR_BOOTSTRAP = 5;

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Two significant digits, as an estimate deserves: 383.7 → "380". */
export function roughly(x: number): string {
  return String(Number(x.toPrecision(2)));
}

/** A number for a sentence: 4 significant digits, no trailing noise. */
export function short(x: number): string {
  return Math.abs(x) >= 1e-3 || x === 0 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

export function paramOf(params: TrialParams, name: ParamName): number | string | undefined {
  return (params as unknown as Partial<Record<ParamName, number | string>>)[name];
}

/** Parameters with more than one value among the runs. */
export function varyingParams(runs: readonly RunSummary[]): ParamName[] {
  return PARAM_ORDER.filter((name) => new Set(runs.map((r) => JSON.stringify(paramOf(r.params, name)))).size > 1);
}

// ----- critical batch size ---------------------------------------------------------------------------------

export function criticalBatch(runs: readonly AnalyzedRun[]): CriticalBatchSummary | null {
  const measured = runs.filter((r) => r.rows.noiseScale.length > 0);
  if (!measured.length) return null;
  const summaries = measured.map(({ run, rows }) => {
    const last = [...rows.noiseScale].reverse().find((r) => finite(r.bSimple)) ?? null;
    return { runId: run.id, batchSize: run.params.batchSize, bSimple: last?.bSimple ?? null, epoch: last?.epoch ?? null, rows: rows.noiseScale };
  });
  const bCrit = median(summaries.map((s) => s.bSimple).filter(finite));
  const sizes = [...new Set(runs.map((r) => r.run.params.batchSize))].sort((a, b) => a - b);
  return {
    bCrit,
    runs: summaries,
    batchSizes: sizes.map((batchSize) => ({
      batchSize,
      ratio: bCrit !== null && bCrit > 0 ? batchSize / bCrit : null,
      bSimple: median(summaries.filter((s) => s.batchSize === batchSize).map((s) => s.bSimple).filter(finite)),
    })),
    sentence: bCrit !== null
      ? `B_crit ≈ ${roughly(bCrit)}: batch sizes well below it waste steps less than compute; well above it waste compute.`
      : 'B_crit could not be estimated: the noise-scale estimates are not yet positive (too few measurements, or the gradient signal is lost in their noise).',
  };
}

// ----- sharpness vs batch size -------------------------------------------------------------------------------

export function sharpnessVsBatch(runs: readonly AnalyzedRun[]): SharpnessVsBatchRow[] {
  return runs.flatMap(({ run, rows }) =>
    rows.sharpness.map((s) => ({
      runId: run.id,
      batchSize: run.params.batchSize,
      checkpoint: s.checkpoint,
      epoch: s.epoch,
      topEigenvalue: s.topEigenvalue,
      epsSharpness: s.epsSharpness,
      gap: finite(run.bestValLoss) && finite(run.bestTrainLoss) ? run.bestValLoss - run.bestTrainLoss : null,
    })),
  ).sort((a, b) => a.batchSize - b.batchSize || a.runId - b.runId);
}

// ----- seed statistics ---------------------------------------------------------------------------------------

function describeParams(params: TrialParams, names: readonly ParamName[]): string {
  return names.map((n) => `${n} ${String(paramOf(params, n))}`).join(', ');
}

interface Group {
  key: string;
  label: string;
  runs: RunSummary[];
}

export function groupForStatistics(runs: readonly RunSummary[], groupBy: AnalysisGroupBy): Group[] {
  const varying = varyingParams(runs).filter((p) => p !== 'seed');
  const names = groupBy === 'config' ? varying : [groupBy];
  const groups = new Map<string, Group>();
  for (const run of [...runs].sort((a, b) => a.index - b.index)) {
    const key = JSON.stringify(names.map((n) => paramOf(run.params, n) ?? null));
    const group = groups.get(key) ?? { key, label: names.length ? describeParams(run.params, names) : 'all runs', runs: [] };
    group.runs.push(run);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function sample(group: Group, value: (r: RunSummary) => number | null): GroupSample {
  const runs = group.runs.filter((r) => finite(value(r)));
  const values = runs.map((r) => value(r) as number);
  const m = moments(values);
  return { key: group.key, label: group.label, runIds: runs.map((r) => r.id), values, mean: m.mean, std: Math.sqrt(m.variance) };
}

function compare(metric: TwoSampleComparison['metric'], winner: GroupSample, runnerUp: GroupSample): TwoSampleComparison {
  const welch = welchTTest(winner.values, runnerUp.values);
  const effect = pooledEffectSize(winner.values, runnerUp.values);
  return {
    metric,
    winner,
    runnerUp,
    difference: winner.mean - runnerUp.mean,
    welchT: welch?.t ?? null,
    welchDf: welch?.df ?? null,
    pValue: welch?.pValue ?? null,
    bootstrap: bootstrapDifference(winner.values, runnerUp.values, { resamples: BOOTSTRAP_RESAMPLES, seed: 0 }),
    seedsFor80: effect === null ? null : seedsForPower(effect),
    distinguishable: welch ? welch.pValue < ALPHA : null,
  };
}

function verdict(c: TwoSampleComparison): string {
  const n = (g: GroupSample) => `${g.values.length} run${g.values.length === 1 ? '' : 's'}`;
  const head = `Over seeds, ${c.winner.label} (mean best validation loss ${short(c.winner.mean)}, ${n(c.winner)}) beats ${c.runnerUp.label} (${short(c.runnerUp.mean)}, ${n(c.runnerUp)}) by ${short(Math.abs(c.difference))}`;
  if (c.pValue === null) {
    return `${head}, but the runs of each setting do not vary (or there are fewer than two): no test is possible.`;
  }
  // A bootstrap can only recombine the values it has: with a handful of runs its interval is too narrow.
  const few = Math.min(c.winner.values.length, c.runnerUp.values.length) < FEW_FOR_BOOTSTRAP ? `, optimistic with under ${FEW_FOR_BOOTSTRAP} runs each` : '';
  const interval = c.bootstrap ? `95 % bootstrap interval of the difference ${short(c.bootstrap.low)} to ${short(c.bootstrap.high)}${few}; ` : '';
  const p = c.pValue < 1e-4 ? c.pValue.toExponential(1) : String(Number(c.pValue.toPrecision(2)));
  if (c.distinguishable) return `${head} (${interval}Welch p = ${p}): distinguishable from seed noise.`;
  const more = c.seedsFor80 !== null
    ? ` About ${c.seedsFor80} runs per setting would detect a difference this size at 80 % power.`
    : '';
  return `${head} (${interval}Welch p = ${p}): not distinguishable from seed noise.${more}`;
}

export function seedStatistics(runs: readonly RunSummary[], groupBy: AnalysisGroupBy): SeedStatistics | null {
  const scored = runs.filter((r) => finite(r.bestValLoss));
  if (!scored.length) return null;
  const groups = groupForStatistics(scored, groupBy)
    .map((g) => ({ g, s: sample(g, (r) => r.bestValLoss) }))
    .sort((a, b) => a.s.mean - b.s.mean);
  const ranked = groups.map((x) => x.s);
  if (groups.length < 2) {
    return { groupBy, groups: ranked, loss: null, accuracy: null, sentence: 'Only one setting among these runs: nothing to compare.' };
  }
  const [first, second] = groups;
  if (first.s.values.length < 2 || second.s.values.length < 2) {
    return {
      groupBy, groups: ranked, loss: null, accuracy: null,
      sentence: `Whether ${first.g.label} really beats ${second.g.label} needs at least two seeds of each (params.seed: [1, 2, 3]).`,
    };
  }
  const loss = compare('bestValLoss', first.s, second.s);
  const accWinner = sample(first.g, (r) => r.bestValAccuracy);
  const accRunnerUp = sample(second.g, (r) => r.bestValAccuracy);
  const accuracy = accWinner.values.length >= 2 && accRunnerUp.values.length >= 2 ? compare('bestValAccuracy', accWinner, accRunnerUp) : null;
  return { groupBy, groups: ranked, loss, accuracy, sentence: verdict(loss) };
}

// ----- learning-rate scaling hint ----------------------------------------------------------------------------

/** SGD-type optimizers scale the learning rate with B (Goyal et al. 2017); adaptive ones with √B (Malladi et al. 2022). */
export function scalingRule(optimizer: Optimizer): 'linear' | 'sqrt' {
  return optimizer === 'sgd' || optimizer === 'momentum' ? 'linear' : 'sqrt';
}

export function scaledLearningRate(rule: 'linear' | 'sqrt', learningRate: number, fromBatch: number, toBatch: number): number {
  const ratio = toBatch / fromBatch;
  return learningRate * (rule === 'linear' ? ratio : Math.sqrt(ratio));
}

export function learningRateHint(runs: readonly AnalyzedRun[]): LearningRateHint | null {
  const sizes = [...new Set(runs.map((r) => r.run.params.batchSize))].sort((a, b) => a - b);
  if (sizes.length < 2) return null;
  const suggestion = (r: AnalyzedRun) => r.rows.lrRange?.steepest ?? null;
  const ranged = runs.filter((r) => finite(suggestion(r)));
  // The reference: the best trained run, or for LR range tests the smallest batch size's suggestion.
  const trained = runs.filter((r) => finite(r.run.bestValLoss)).sort((a, b) => (a.run.bestValLoss as number) - (b.run.bestValLoss as number));
  const refRun = trained[0] ?? [...ranged].sort((a, b) => a.run.params.batchSize - b.run.params.batchSize)[0];
  if (!refRun) return null;
  const refLr = trained[0] ? refRun.run.params.learningRate : (suggestion(refRun) as number);
  const rule = scalingRule(refRun.run.params.optimizer);
  const refB = refRun.run.params.batchSize;
  const rows = sizes.map((batchSize) => {
    const at = runs.filter((r) => r.run.params.batchSize === batchSize);
    const best = at.filter((r) => finite(r.run.bestValLoss)).sort((a, b) => (a.run.bestValLoss as number) - (b.run.bestValLoss as number))[0];
    return {
      batchSize,
      tried: ranged.length === runs.length ? [] : [...new Set(at.map((r) => r.run.params.learningRate))].sort((a, b) => a - b),
      best: best ? best.run.params.learningRate : null,
      scaled: scaledLearningRate(rule, refLr, refB, batchSize),
      rangeSuggestion: median(at.map(suggestion).filter(finite)),
    };
  });
  const law = rule === 'linear' ? 'LR ∝ B (the linear scaling rule, Goyal et al. 2017)' : 'LR ∝ √B (the square-root rule for adaptive optimizers, Malladi et al. 2022)';
  const source = trained[0] ? `the best run (run ${refRun.run.id})` : `the LR range test at the smallest batch size (run ${refRun.run.id})`;
  return {
    rule,
    optimizer: refRun.run.params.optimizer,
    reference: { runId: refRun.run.id, batchSize: refB, learningRate: refLr },
    rows,
    sentence: `${refRun.run.params.optimizer} scales as ${law}: from ${source}, B = ${refB} at LR ${short(refLr)}, the rule suggests ${rows
      .filter((r) => r.batchSize !== refB)
      .map((r) => `${short(r.scaled)} at B = ${r.batchSize}`)
      .join(', ')}.`,
  };
}

// ----- one run ----------------------------------------------------------------------------------------------

/**
 * A run's stored rows with its settings, and the noise scale's cost over the run: the median of its epochs'
 * overheads (an epoch whose every step was split has no plain step to compare with, and no overhead).
 */
export function analyzeRun(runId: number, analysis: AnalysisSpec | undefined, rows: RunInsightRows): RunAnalysis {
  const settings = analysis ?? DEFAULT_ANALYSIS;
  const noiseScaleOverhead = median(rows.noiseScale.map((r) => r.overhead).filter(finite));
  return { runId, runType: settings.runType, settings, ...rows, noiseScaleOverhead };
}

// ----- all together ------------------------------------------------------------------------------------------

export function analyzeExperiment(experimentId: number, runs: readonly AnalyzedRun[], groupBy: AnalysisGroupBy): ExperimentAnalysis {
  return {
    experimentId,
    runIds: runs.map((r) => r.run.id),
    criticalBatch: criticalBatch(runs),
    sharpness: sharpnessVsBatch(runs),
    seedStatistics: seedStatistics(runs.map((r) => r.run), groupBy),
    learningRateHint: learningRateHint(runs),
    lrRanges: runs.flatMap(({ run, rows }) => (rows.lrRange ? [{ runId: run.id, batchSize: run.params.batchSize, optimizer: run.params.optimizer, result: rows.lrRange }] : [])),
  };
}
