/**
 * A small regression random forest, as scikit-learn's RandomForestRegressor with the settings Optuna's
 * fANOVA uses: bootstrap samples, every feature considered at each split (in a random order), squared-error
 * splits at midpoints between distinct values, at least 2 samples to split and 1 per leaf, depth ≤ 64.
 * Each feature's samples are sorted once per tree and partitioned at every split (no sorting per node), so a
 * tree costs O(features × samples × depth).
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

/** Samples by bootstrap position: column f of position p is cols[f][p]. */
interface Bootstrap {
  cols: Float64Array[];
  targets: Float64Array;
}

function fitTree(x: readonly (readonly number[])[], y: readonly number[], sample: number[], maxDepth: number, rng: () => number): RegressionTree {
  const n = sample.length;
  const features = x.length ? x[0].length : 0;
  const data: Bootstrap = {
    cols: Array.from({ length: features }, (_, f) => Float64Array.from(sample, (row) => x[row][f])),
    targets: Float64Array.from(sample, (row) => y[row]),
  };
  const tree: RegressionTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const goesLeft = new Uint8Array(n);
  const scratch = new Int32Array(n);
  // Per feature, all positions in ascending order of that feature; a node owns the segment [start, end) of
  // every one of them, and a split partitions each segment in place (stable), as scikit-learn does.
  const sorted = data.cols.map((col) => {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order.sort((a, b) => col[a] - col[b]);
  });
  const grow = (start: number, end: number, depth: number): number => {
    const node = tree.feature.length;
    const count = end - start;
    let sum = 0;
    for (let i = start; i < end; i++) sum += data.targets[features ? sorted[0][i] : sample[i]];
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(sum / count);
    if (depth >= maxDepth || count < 2 || features === 0) return node;
    const split = bestSplit(data, sorted, start, end, rng);
    if (!split) return node;
    const splitCol = data.cols[split.feature];
    for (let i = start; i < end; i++) {
      const p = sorted[0][i];
      goesLeft[p] = splitCol[p] <= split.threshold ? 1 : 0;
    }
    let middle = start;
    for (const order of sorted) {
      let li = start;
      let ri = 0;
      for (let i = start; i < end; i++) {
        const p = order[i];
        if (goesLeft[p]) order[li++] = p;
        else scratch[ri++] = p;
      }
      order.set(scratch.subarray(0, ri), li);
      middle = li;
    }
    tree.feature[node] = split.feature;
    tree.threshold[node] = split.threshold;
    tree.left[node] = grow(start, middle, depth + 1);
    tree.right[node] = grow(middle, end, depth + 1);
    return node;
  };
  grow(0, n, 0);
  return tree;
}

function bestSplit(data: Bootstrap, sorted: Int32Array[], start: number, end: number, rng: () => number): { feature: number; threshold: number } | null {
  const targets = data.targets;
  const count = end - start;
  let total = 0;
  let totalSq = 0;
  for (let i = start; i < end; i++) {
    const v = targets[sorted[0][i]];
    total += v;
    totalSq += v * v;
  }
  const parentSse = totalSq - (total * total) / count;
  if (parentSse <= 1e-12 * Math.max(1, totalSq)) return null;
  let best: { feature: number; threshold: number } | null = null;
  let bestSse = parentSse;
  const order = shuffleInPlace(Array.from({ length: sorted.length }, (_, i) => i), rng);
  for (const f of order) {
    const col = data.cols[f];
    const positions = sorted[f];
    let leftSum = 0;
    let leftSq = 0;
    for (let i = start; i < end - 1; i++) {
      const v = targets[positions[i]];
      leftSum += v;
      leftSq += v * v;
      const here = col[positions[i]];
      const next = col[positions[i + 1]];
      if (next <= here + FEATURE_THRESHOLD) continue;
      const nl = i + 1 - start;
      const nr = count - nl;
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
