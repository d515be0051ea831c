/** What the Compare view shows: which runs, grouped and split how, which metric against which axis. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { IterationSeriesName, ParamName, RunSummary } from '../contract';
import type { XAxisKind } from '../charts/axes';
import type { CompareMetric } from '../charts/compare';
import type { GroupBy } from '../charts/runs';
import { varyingParams } from '../charts/runs';
import type { SummaryMetric } from '../charts/summary-metrics';

/** Runs selected when the view opens: every run that has trained at least a little, capped for speed. */
export const DEFAULT_SELECTION_LIMIT = 200;

export function defaultSelection(runs: readonly RunSummary[]): number[] {
  return runs.filter((r) => r.epochsDone > 0 || r.stepsDone > 0).slice(0, DEFAULT_SELECTION_LIMIT).map((r) => r.id);
}

/**
 * Group by batch size when it varies (the question this view is built to answer), else by the first
 * parameter that varies other than the seed, else over seeds, else one line per run.
 */
export function defaultGroupBy(runs: readonly RunSummary[]): GroupBy {
  const varying = varyingParams(runs);
  if (varying.includes('batchSize')) return 'batchSize';
  const first = varying.find((p) => p !== 'seed');
  if (first) return first;
  return varying.includes('seed') ? 'config' : 'run';
}

/** Parses `?runs=3,4,9` (ignoring junk), so a comparison can be bookmarked or shared. */
export function parseRunIds(query: unknown): number[] | null {
  if (typeof query !== 'string' || query.trim() === '') return null;
  const ids = query.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)];
}

export const useCompareStore = defineStore('compare', () => {
  const experimentId = ref<number | null>(null);
  const runIds = ref<number[]>([]);
  const groupBy = ref<GroupBy>('run');
  const splitBy = ref<ParamName | null>(null);
  const metric = ref<CompareMetric>('loss');
  const xAxis = ref<XAxisKind>('epoch');
  const layout = ref<'side-by-side' | 'overlay'>('side-by-side');
  const logY = ref(false);
  const bands = ref(true);
  /** Training curves at mid-epoch (charts/half-epoch.ts). */
  const trainAtMidEpoch = ref(true);
  const iterationSeries = ref<IterationSeriesName>('loss');
  const iterationXAxis = ref<XAxisKind>('iteration');
  const smoothing = ref(0.6);
  const heatX = ref<ParamName>('learningRate');
  const heatY = ref<ParamName>('batchSize');
  const heatMetric = ref<SummaryMetric>('bestValLoss');
  const heatReduce = ref<'mean' | 'best'>('mean');
  const parallelMetric = ref<SummaryMetric>('bestValLoss');

  /** Sets sensible defaults for a newly opened experiment; keeps the user's choices for the same one. */
  function init(id: number, runs: readonly RunSummary[], requested: number[] | null): void {
    const known = new Set(runs.map((r) => r.id));
    if (experimentId.value !== id) {
      experimentId.value = id;
      groupBy.value = defaultGroupBy(runs);
      splitBy.value = null;
      const varying = varyingParams(runs).filter((p) => p !== 'seed');
      heatX.value = varying.includes('learningRate') ? 'learningRate' : (varying[0] ?? 'learningRate');
      heatY.value = varying.includes('batchSize') && heatX.value !== 'batchSize' ? 'batchSize' : (varying.find((p) => p !== heatX.value) ?? 'batchSize');
      runIds.value = requested ? requested.filter((r) => known.has(r)) : defaultSelection(runs);
    } else if (requested) {
      runIds.value = requested.filter((r) => known.has(r));
    }
  }

  return {
    experimentId, runIds, groupBy, splitBy, metric, xAxis, layout, logY, bands, trainAtMidEpoch, iterationSeries, iterationXAxis, smoothing,
    heatX, heatY, heatMetric, heatReduce, parallelMetric, init,
  };
});
