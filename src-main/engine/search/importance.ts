/**
 * Hyperparameter importance by fANOVA (Hutter et al., ICML 2014), as Optuna's FanovaImportanceEvaluator:
 * a random forest of 64 trees predicts the objective from the hyperparameters; in each tree, the importance
 * of a hyperparameter is the variance of the tree's prediction averaged over all the others (its marginal),
 * as a fraction of the tree's total variance; fractions are averaged over trees and normalised to sum to 1.
 * Hyperparameters live in the space the sampler draws from: log ranges in log space, a list as equally
 * weighted choices.
 */
import type { ParamName } from '../../contract';
import { fitForest, leafBoxes, type RegressionTree } from './forest';
import { toInternal, type Dimension, type ParamPoint } from './space';

export const MIN_IMPORTANCE_TRIALS = 8;
/** Above this many trials a seeded sample of them is used, so an answer stays fast. */
export const MAX_IMPORTANCE_TRIALS = 400;

export interface ImportanceInput {
  dims: readonly Dimension[];
  trials: ReadonlyArray<{ params: ParamPoint; value: number }>;
  seed?: number;
  trees?: number;
}

export interface ImportanceResult {
  importances: Array<{ param: ParamName; importance: number }>;
  /** Trials used (inside the space, finite objective). */
  trials: number;
}

/** The bounds of a dimension in the encoded space. */
function boundsOf(dim: Dimension): [number, number] {
  if (dim.kind === 'categorical') return [-0.5, dim.choices.length - 0.5];
  return dim.log ? [Math.log(dim.low), Math.log(dim.high)] : [dim.low, dim.high];
}

function encode(dim: Dimension, value: unknown): number | null {
  const internal = toInternal(dim, value);
  if (internal === null) return null;
  return dim.kind !== 'categorical' && dim.log ? Math.log(internal) : internal;
}

export function paramImportance(input: ImportanceInput): ImportanceResult {
  const { dims } = input;
  const rows: number[][] = [];
  const y: number[] = [];
  for (const trial of input.trials) {
    if (!Number.isFinite(trial.value)) continue;
    const row = dims.map((d) => encode(d, trial.params[d.name]));
    if (row.some((v) => v === null)) continue;
    rows.push(row as number[]);
    y.push(trial.value);
  }
  const zero = () => dims.map((d) => ({ param: d.name, importance: 0 }));
  if (rows.length < 2 || dims.length === 0) return { importances: zero(), trials: rows.length };
  const used = subsample(rows.length, MAX_IMPORTANCE_TRIALS, input.seed ?? 0);
  const trees = fitForest(used.map((i) => rows[i]), used.map((i) => y[i]), { trees: input.trees ?? 64, maxDepth: 64, seed: input.seed ?? 0 });
  const bounds = dims.map(boundsOf);
  const sums = new Array<number>(dims.length).fill(0);
  let counted = 0;
  for (const tree of trees) {
    const fractions = treeFractions(tree, bounds);
    if (!fractions) continue;
    counted++;
    fractions.forEach((f, i) => {
      sums[i] += f;
    });
  }
  if (counted === 0) return { importances: zero(), trials: rows.length };
  const means = sums.map((s) => s / counted);
  const total = means.reduce((a, b) => a + b, 0);
  const importances = dims.map((d, i) => ({ param: d.name, importance: total > 0 ? means[i] / total : 0 }));
  importances.sort((a, b) => b.importance - a.importance);
  return { importances, trials: rows.length };
}

/** Indices 0…n−1, or a seeded sample of `max` of them, in ascending order. */
function subsample(n: number, max: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  let state = (seed ^ 0x5bd1e995) >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}

/**
 * Per feature, the variance of the tree's marginal prediction over that feature divided by the tree's
 * total variance (null when the tree predicts a constant). The marginal of feature f at x is
 * Σ over leaves containing x of value × (volume of the leaf's box in the other features) / (their full
 * volume): a piecewise-constant function of x whose variance is weighted by the length of each piece.
 */
function treeFractions(tree: RegressionTree, bounds: ReadonlyArray<readonly [number, number]>): number[] | null {
  const leaves = leafBoxes(tree, bounds);
  const width = bounds.map(([lo, hi]) => hi - lo);
  const volume = (box: ReadonlyArray<readonly [number, number]>, skip = -1) =>
    box.reduce((v, [lo, hi], g) => (g === skip ? v : v * ((hi - lo) / width[g])), 1);
  let mean = 0;
  for (const leaf of leaves) mean += leaf.value * volume(leaf.box);
  let total = 0;
  for (const leaf of leaves) total += volume(leaf.box) * (leaf.value - mean) ** 2;
  if (!(total > 1e-300)) return null;
  return bounds.map(([lo, hi], f) => {
    // Each leaf adds value × (relative volume in the other features) on its interval of feature f.
    const events: Array<[number, number]> = [];
    for (const leaf of leaves) {
      const weight = leaf.value * volume(leaf.box, f);
      events.push([leaf.box[f][0], weight], [leaf.box[f][1], -weight]);
    }
    events.sort((a, b) => a[0] - b[0]);
    let level = 0;
    let at = lo;
    let sum = 0;
    let sumSq = 0;
    for (const [x, delta] of events) {
      if (x > at) {
        const length = (Math.min(x, hi) - at) / (hi - lo);
        sum += length * level;
        sumSq += length * level * level;
        at = x;
      }
      level += delta;
    }
    return Math.max(0, sumSq - sum * sum) / total;
  });
}
