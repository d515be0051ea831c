/**
 * Pruning decisions, made after each epoch of a trial from the values of the objective's monitor:
 * Optuna's MedianPruner (optuna/pruners/_percentile.py) and SuccessiveHalvingPruner (ASHA,
 * optuna/pruners/_successive_halving.py). Epochs are 1-based; Optuna's step is epoch − 1, so a warm-up of
 * w epochs means no pruning at epochs 1 … w. A trial is never pruned at its last epoch: it is done anyway.
 */
import type { Direction, PruningSpec } from '../../contract';

/** Epoch → the monitor's value at that epoch (null: not finite). */
export type EpochValues = ReadonlyMap<number, number | null>;

export interface PruneQuery {
  /** The epoch the trial just finished. */
  epoch: number;
  /** The trial's last planned epoch. */
  finalEpoch: number;
  values: EpochValues;
  /** Every other trial of the study; `complete` for completed or early-stopped ones. */
  others: ReadonlyArray<{ values: EpochValues; complete: boolean }>;
  direction: Direction;
  /** The monitor's name, for the reason. */
  monitor: string;
}

export interface PruneDecision {
  reason: string;
}

export function shouldPrune(pruning: PruningSpec, query: PruneQuery): PruneDecision | null {
  if (query.epoch >= query.finalEpoch) return null;
  switch (pruning.method) {
    case 'none':
      return null;
    case 'median':
      return medianRule(pruning, query);
    case 'asha':
      return successiveHalving(pruning, query);
  }
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toExponential(3));

/** numpy.percentile's default (linear interpolation between closest ranks). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const rank = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

function bestSoFar(values: EpochValues, upTo: number, direction: Direction): number | null {
  let best: number | null = null;
  for (const [epoch, v] of values) {
    if (epoch > upTo || v === null || !Number.isFinite(v)) continue;
    if (best === null || (direction === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/**
 * Prune at epoch e when the trial's best value so far is worse than the median of the completed trials'
 * values at e — once `startupTrials` trials have completed, after the warm-up, every `intervalEpochs`.
 */
function medianRule(p: Extract<PruningSpec, { method: 'median' }>, q: PruneQuery): PruneDecision | null {
  const completed = q.others.filter((o) => o.complete);
  if (completed.length === 0 || completed.length < p.startupTrials) return null;
  if (q.epoch <= p.warmupEpochs) return null;
  if ((q.epoch - 1 - p.warmupEpochs) % p.intervalEpochs !== 0) return null;
  const best = bestSoFar(q.values, q.epoch, q.direction);
  if (best === null) return { reason: `pruned at epoch ${q.epoch}: ${q.monitor} has no finite value yet` };
  const atEpoch = completed.map((o) => o.values.get(q.epoch)).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  if (!atEpoch.length) return null;
  const median = percentile(atEpoch, 50);
  const worse = q.direction === 'minimize' ? best > median : best < median;
  if (!worse) return null;
  return {
    reason: `pruned at epoch ${q.epoch} (median rule): best ${q.monitor} so far ${fmt(best)} is worse than the median ${fmt(median)} of ${atEpoch.length} completed trial${atEpoch.length === 1 ? '' : 's'} at epoch ${q.epoch}`,
  };
}

/** The epoch of rung k: minEpochs × reductionFactor^(minEarlyStoppingRate + k). */
export function rungEpoch(p: Extract<PruningSpec, { method: 'asha' }>, rung: number): number {
  return p.minEpochs * p.reductionFactor ** (p.minEarlyStoppingRate + rung);
}

/**
 * At each rung epoch, the trial's value at that epoch competes with every trial that reached the rung
 * (running, completed or pruned there); it continues only if it is in the top 1/reductionFactor (at least
 * the best one continues).
 */
function successiveHalving(p: Extract<PruningSpec, { method: 'asha' }>, q: PruneQuery): PruneDecision | null {
  let rung = 0;
  while (rungEpoch(p, rung) < q.epoch) rung++;
  if (rungEpoch(p, rung) !== q.epoch) return null;
  const value = q.values.get(q.epoch);
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { reason: `pruned at epoch ${q.epoch} (ASHA rung ${rung}): ${q.monitor} is not finite` };
  }
  const competing = [value];
  for (const other of q.others) {
    const v = other.values.get(q.epoch);
    if (v !== null && v !== undefined && Number.isFinite(v)) competing.push(v);
  }
  const keep = Math.max(1, Math.floor(competing.length / p.reductionFactor));
  competing.sort((a, b) => (q.direction === 'minimize' ? a - b : b - a));
  const threshold = competing[keep - 1];
  const promoted = q.direction === 'minimize' ? value <= threshold : value >= threshold;
  if (promoted) return null;
  return {
    reason: `pruned at epoch ${q.epoch} (ASHA rung ${rung}): ${q.monitor} ${fmt(value)} is not among the best ${keep} of the ${competing.length} trials that reached epoch ${q.epoch}`,
  };
}

/** Settings under which the pruner can never act, said before the study runs. */
export function pruningWarnings(pruning: PruningSpec, maxEpochs: number, trialCount: number): string[] {
  if (pruning.method === 'median') {
    const out: string[] = [];
    if (pruning.warmupEpochs >= maxEpochs - 1) out.push(`median pruning never acts: the warm-up of ${pruning.warmupEpochs} epoch(s) covers every epoch before the last (${maxEpochs})`);
    if (pruning.startupTrials >= trialCount) out.push(`median pruning never acts: it waits for ${pruning.startupTrials} completed trials and this study has ${trialCount}`);
    return out;
  }
  if (pruning.method === 'asha' && rungEpoch(pruning, 0) >= maxEpochs) {
    return [`ASHA never acts: its first rung is at epoch ${rungEpoch(pruning, 0)} and trials stop at epoch ${maxEpochs}`];
  }
  return [];
}
