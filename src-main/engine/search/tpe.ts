/**
 * The tree-structured Parzen estimator, as Optuna's TPESampler (optuna/samplers/_tpe/sampler.py) with its
 * current defaults: random start-up trials, then the finished trials split into the best γ(n) =
 * min(ceil(0.1·n), 25) ("below": the good density l(x)) and the rest ("above": g(x)); running trials join
 * "above" (constant liar), so a batch of parallel proposals spreads out instead of piling on one point.
 * 24 candidates are drawn from l(x) and the one with the largest log l(x) − log g(x) wins. Pruned trials
 * rank after completed ones: deeper first, then by their last value.
 */
import { ParzenEstimator } from './parzen';
import { samplePoint, toExternal, toInternal, type Dimension, type ParamPoint } from './space';

export interface TpeTrial {
  /** Values of the space's dimensions (other fields are ignored). */
  params: ParamPoint;
  /** `pruned` also covers trials that diverged or failed after some epochs. */
  state: 'complete' | 'pruned' | 'running';
  /** complete: the objective; pruned: the monitor at its last epoch (null: not finite). */
  value: number | null;
  /** pruned: the epochs it trained. */
  lastEpoch: number;
}

export interface TpeOptions {
  startupTrials: number;
  candidates: number;
  multivariate: boolean;
  direction: 'minimize' | 'maximize';
  rng: () => number;
  /** Configurations already stored or pending: never proposed again while an untried one is found. */
  isTaken: (point: ParamPoint) => boolean;
}

/** Optuna's default γ. */
export function gamma(finished: number): number {
  return Math.min(Math.ceil(0.1 * finished), 25);
}

/** Attempts at an untried point before concluding that the space has none left. */
const FRESH_POINT_ATTEMPTS = 200;

/**
 * The next configuration to train, or null when every configuration of a finite space is taken.
 * `trials` are in trial order (oldest first).
 */
export function proposeTpe(dims: readonly Dimension[], trials: readonly TpeTrial[], options: TpeOptions): ParamPoint | null {
  if (dims.length === 0) return options.isTaken({}) ? null : {};
  const finished = trials.filter((t) => t.state !== 'running').length;
  if (finished >= options.startupTrials) {
    const { below, above } = splitTrials(trials, gamma(finished), options.direction);
    const ranked = options.multivariate
      ? rankJoint(dims, below, above, options)
      : rankIndependent(dims, below, above, options);
    const fresh = ranked.find((p) => !options.isTaken(p));
    if (fresh) return fresh;
  }
  return freshRandomPoint(dims, options);
}

function freshRandomPoint(dims: readonly Dimension[], options: TpeOptions): ParamPoint | null {
  for (let i = 0; i < FRESH_POINT_ATTEMPTS; i++) {
    const point = samplePoint(dims, options.rng);
    if (!options.isTaken(point)) return point;
  }
  return null;
}

/** Optuna's _split_trials (single objective, no constraints). Both halves come back in trial order. */
export function splitTrials(trials: readonly TpeTrial[], nBelow: number, direction: 'minimize' | 'maximize'): { below: TpeTrial[]; above: TpeTrial[] } {
  const sign = direction === 'maximize' ? -1 : 1;
  const indexed = trials.map((trial, order) => ({ trial, order }));
  const complete = indexed.filter((t) => t.trial.state === 'complete');
  const pruned = indexed.filter((t) => t.trial.state === 'pruned');
  const running = indexed.filter((t) => t.trial.state === 'running');
  const score = (v: number | null) => (v === null || !Number.isFinite(v) ? Infinity : sign * v);
  complete.sort((a, b) => score(a.trial.value) - score(b.trial.value) || a.order - b.order);
  // Deeper pruned trials first (they survived longer), then the better last value.
  pruned.sort((a, b) => b.trial.lastEpoch - a.trial.lastEpoch || score(a.trial.value) - score(b.trial.value) || a.order - b.order);
  const fromComplete = Math.min(nBelow, complete.length);
  const fromPruned = Math.min(Math.max(0, nBelow - fromComplete), pruned.length);
  const below = [...complete.slice(0, fromComplete), ...pruned.slice(0, fromPruned)];
  const above = [...complete.slice(fromComplete), ...pruned.slice(fromPruned), ...running];
  const byOrder = (a: { order: number }, b: { order: number }) => a.order - b.order;
  return { below: below.sort(byOrder).map((t) => t.trial), above: above.sort(byOrder).map((t) => t.trial) };
}

/** Internal values of the trials that lie inside the space on every given dimension. */
function observationsOf(dims: readonly Dimension[], trials: readonly TpeTrial[]): number[][] {
  const out: number[][] = [];
  for (const trial of trials) {
    const row = dims.map((d) => toInternal(d, trial.params[d.name]));
    if (row.every((v) => v !== null)) out.push(row as number[]);
  }
  return out;
}

/** Multivariate TPE: one joint density; candidates ranked by log l(x) − log g(x), best first. */
function rankJoint(dims: readonly Dimension[], below: TpeTrial[], above: TpeTrial[], options: TpeOptions): ParamPoint[] {
  const l = new ParzenEstimator(dims, observationsOf(dims, below));
  const g = new ParzenEstimator(dims, observationsOf(dims, above));
  const candidates = l.sample(options.rng, options.candidates);
  const scores = acquisition(l, g, candidates);
  return rankByScore(candidates, scores).map((c) => toPoint(dims, c));
}

/**
 * Independent TPE: one density per hyperparameter; each picks its own best candidate. When that
 * combination is taken, the second-best of each comes next, and so on.
 */
function rankIndependent(dims: readonly Dimension[], below: TpeTrial[], above: TpeTrial[], options: TpeOptions): ParamPoint[] {
  const perDim = dims.map((dim) => {
    const one = [dim];
    const l = new ParzenEstimator(one, observationsOf(one, below));
    const g = new ParzenEstimator(one, observationsOf(one, above));
    const candidates = l.sample(options.rng, options.candidates);
    return rankByScore(candidates, acquisition(l, g, candidates)).map((c) => c[0]);
  });
  const ranked: ParamPoint[] = [];
  for (let r = 0; r < options.candidates; r++) ranked.push(toPoint(dims, perDim.map((list) => list[r])));
  return ranked;
}

function acquisition(l: ParzenEstimator, g: ParzenEstimator, candidates: number[][]): number[] {
  const below = l.logPdf(candidates);
  const above = g.logPdf(candidates);
  return below.map((v, i) => v - above[i]);
}

/** Candidates by descending score; ties keep their draw order (Optuna takes the first argmax). */
function rankByScore(candidates: number[][], scores: number[]): number[][] {
  return candidates.map((c, i) => ({ c, s: Number.isNaN(scores[i]) ? -Infinity : scores[i], i })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.c);
}

function toPoint(dims: readonly Dimension[], internal: readonly number[]): ParamPoint {
  const point: ParamPoint = {};
  dims.forEach((d, i) => {
    point[d.name] = toExternal(d, internal[i]);
  });
  return point;
}
