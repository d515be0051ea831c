/**
 * A small regression random forest, as scikit-learn's RandomForestRegressor with the settings Optuna's
 * fANOVA uses: bootstrap samples, every feature considered at each split (in a random order), squared-error
 * splits at midpoints between distinct values, at least 2 samples to split and 1 per leaf, depth ≤ 64.
 */
import { createRng, deriveSeed, shuffleInPlace } from '../random';

export interface RegressionTree {
  /** Split feature per node; −1 for a leaf. */
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Mean target of the node's (bootstrap) samples. */
  value: number[];
}

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  seed: number;
}

/** Values closer than this are one value (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;

export function fitForest(x: readonly (readonly number[])[], y: readonly number[], options: ForestOptions): RegressionTree[] {
  const trees: RegressionTree[] = [];
  for (let t = 0; t < options.trees; t++) {
    const rng = createRng(deriveSeed(options.seed, t));
    const sample = Array.from({ length: y.length }, () => Math.floor(rng() * y.length));
    trees.push(fitTree(x, y, sample, options.maxDepth, rng));
  }
  return trees;
}

function fitTree(x: readonly (readonly number[])[], y: readonly number[], sample: number[], maxDepth: number, rng: () => number): RegressionTree {
  const tree: RegressionTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const features = x.length ? x[0].length : 0;
  const grow = (rows: number[], depth: number): number => {
    const node = tree.feature.length;
    const mean = rows.reduce((s, r) => s + y[r], 0) / rows.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(mean);
    if (depth >= maxDepth || rows.length < 2) return node;
    const split = bestSplit(x, y, rows, features, rng);
    if (!split) return node;
    const leftRows = rows.filter((r) => x[r][split.feature] <= split.threshold);
    const rightRows = rows.filter((r) => x[r][split.feature] > split.threshold);
    tree.feature[node] = split.feature;
    tree.threshold[node] = split.threshold;
    tree.left[node] = grow(leftRows, depth + 1);
    tree.right[node] = grow(rightRows, depth + 1);
    return node;
  };
  grow(sample, 0);
  return tree;
}

function bestSplit(
  x: readonly (readonly number[])[], y: readonly number[], rows: number[], features: number, rng: () => number,
): { feature: number; threshold: number } | null {
  const n = rows.length;
  let total = 0;
  let totalSq = 0;
  for (const r of rows) {
    total += y[r];
    totalSq += y[r] * y[r];
  }
  const parentSse = totalSq - (total * total) / n;
  if (parentSse <= 1e-12 * Math.max(1, totalSq)) return null;
  let best: { feature: number; threshold: number } | null = null;
  let bestSse = parentSse;
  const order = shuffleInPlace(Array.from({ length: features }, (_, i) => i), rng);
  for (const f of order) {
    const sorted = [...rows].sort((a, b) => x[a][f] - x[b][f]);
    let leftSum = 0;
    let leftSq = 0;
    for (let i = 0; i < n - 1; i++) {
      const v = y[sorted[i]];
      leftSum += v;
      leftSq += v * v;
      const here = x[sorted[i]][f];
      const next = x[sorted[i + 1]][f];
      if (next <= here + FEATURE_THRESHOLD) continue;
      const nl = i + 1;
      const nr = n - nl;
      const rightSum = total - leftSum;
      const sse = leftSq - (leftSum * leftSum) / nl + (totalSq - leftSq) - (rightSum * rightSum) / nr;
      if (sse < bestSse - 1e-12 * Math.max(1, Math.abs(bestSse))) {
        bestSse = sse;
        let threshold = (here + next) / 2;
        if (threshold === next) threshold = here;
        best = { feature: f, threshold };
      }
    }
  }
  return best;
}

/** Leaves with the box of the input space each one covers, given the space's bounds per feature. */
export function leafBoxes(tree: RegressionTree, bounds: ReadonlyArray<readonly [number, number]>): Array<{ value: number; box: Array<[number, number]> }> {
  const out: Array<{ value: number; box: Array<[number, number]> }> = [];
  const stack: Array<{ node: number; box: Array<[number, number]> }> = [{ node: 0, box: bounds.map(([lo, hi]) => [lo, hi] as [number, number]) }];
  while (stack.length) {
    const { node, box } = stack.pop()!;
    const f = tree.feature[node];
    if (f < 0) {
      out.push({ value: tree.value[node], box });
      continue;
    }
    const t = tree.threshold[node];
    const leftBox = box.map((b) => [...b] as [number, number]);
    leftBox[f][1] = Math.min(leftBox[f][1], t);
    const rightBox = box.map((b) => [...b] as [number, number]);
    rightBox[f][0] = Math.max(rightBox[f][0], t);
    stack.push({ node: tree.left[node], box: leftBox }, { node: tree.right[node], box: rightBox });
  }
  return out;
}
