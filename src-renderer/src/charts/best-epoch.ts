/**
 * The best-epoch table under the Compare charts. It answers the question the view exists for: which group
 * (e.g. which batch size) reached the lowest validation loss, at which epoch, after how many iterations
 * and samples. Runs are compared at their best epoch, not their last.
 */
import { canBeBest, type EpochMetric, type ParamName, type RunSummary } from '../contract';
import { meanStd } from './aggregate';
import { bestEpochOf } from './compare';
import { groupRuns, runLabel, type GroupBy } from './runs';

export interface BestEpochRow {
  key: string;
  group: string;
  runs: number;
  /** The group's best run and its best epoch. */
  runId: number | null;
  runLabel: string;
  bestValLoss: number | null;
  valAccuracy: number | null;
  trainLoss: number | null;
  epoch: number | null;
  step: number | null;
  samplesSeen: number | null;
  elapsedMs: number | null;
  /** Mean ± std of the runs' best validation losses (meaningful across seeds). */
  meanBest: number | null;
  stdBest: number | null;
  /** What the row is ranked by: validation loss, or training loss when there is no validation set. */
  by: 'val' | 'train';
  winner: boolean;
}

interface RunBest {
  run: RunSummary;
  metric: EpochMetric | null;
  value: number | null;
}

function runBest(run: RunSummary, metrics: readonly EpochMetric[] | undefined, by: 'val' | 'train'): RunBest {
  const best = metrics && metrics.length ? bestEpochOf(metrics) : null;
  if (best) return { run, metric: best, value: by === 'val' ? best.valLoss : best.trainLoss };
  // No epoch rows loaded (yet): the summary's best values still rank the run.
  return { run, metric: null, value: by === 'val' ? run.bestValLoss : run.bestTrainLoss };
}

export function bestEpochRows(
  runs: readonly RunSummary[],
  epochs: Readonly<Record<number, readonly EpochMetric[]>>,
  groupBy: GroupBy,
  varying: readonly ParamName[],
): BestEpochRow[] {
  const hasVal = runs.some((r) => (epochs[r.id] ?? []).some((m) => m.valLoss !== null) || r.bestValLoss !== null);
  const by = hasVal ? 'val' : 'train';
  const rows: BestEpochRow[] = groupRuns(runs, groupBy, varying).map((group) => {
    const bests = group.runs.map((r) => runBest(r, epochs[r.id], by));
    // A diverged run is shown in its group but never ranked: its early epochs are no result.
    const ranked = bests.filter((b) => canBeBest(b.run.status) && b.value !== null && Number.isFinite(b.value)).sort((a, b) => (a.value as number) - (b.value as number));
    const top = ranked[0] ?? null;
    const stats = meanStd(ranked.map((b) => b.value));
    const m = top?.metric ?? null;
    return {
      key: group.key,
      group: group.label,
      runs: group.runs.length,
      runId: top ? top.run.id : null,
      runLabel: top ? runLabel(top.run, varying) : '',
      bestValLoss: top ? (by === 'val' ? top.value : (m?.valLoss ?? null)) : null,
      valAccuracy: m ? m.valAccuracy : (top?.run.bestValAccuracy ?? null),
      trainLoss: m ? m.trainLoss : (top?.run.bestTrainLoss ?? null),
      epoch: m ? m.epoch : (top?.run.bestEpoch ?? null),
      step: m ? m.step : null,
      samplesSeen: m ? m.samplesSeen : null,
      elapsedMs: m ? m.elapsedMs : null,
      meanBest: stats && stats.n > 1 ? stats.mean : null,
      stdBest: stats && stats.n > 1 ? stats.std : null,
      by,
      winner: false,
    };
  });
  const rankValue = (r: BestEpochRow) => (by === 'val' ? r.bestValLoss : r.trainLoss);
  let winner: BestEpochRow | null = null;
  for (const row of rows) {
    const v = rankValue(row);
    if (v === null || !Number.isFinite(v)) continue;
    if (winner === null || v < (rankValue(winner) as number)) winner = row;
  }
  if (winner) winner.winner = true;
  return rows;
}
