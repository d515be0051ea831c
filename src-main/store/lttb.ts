/**
 * Downsampling of one metric curve for charts: Largest-Triangle-Three-Buckets (Steinarsson 2013) on the
 * finite stretches of the curve, with the gaps kept. Pure functions over arrays, no database.
 *
 * Why LTTB: it keeps the visual shape (spikes, the loss floor) where a stride or an average would flatten
 * it, in one O(n) pass. Why gaps matter: a null value marks where a run diverged (loss NaN/Inf), and a chart
 * must show the line stop there rather than jump over it.
 */

function isGap(y: number | null): y is null {
  return y === null || !Number.isFinite(y);
}

/**
 * Appends to `out` the indices LTTB keeps among the finite points [start, end): at most `threshold`, the
 * first and last always. Within a bucket holding the stretch's lowest or highest value, that point is taken
 * instead of the largest triangle, so the minimum loss of a run is never sampled away.
 */
export function lttbRange(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null>,
  start: number,
  end: number,
  threshold: number,
  out: number[],
): void {
  const n = end - start;
  if (n <= 0 || threshold <= 0) return;
  if (threshold >= n) {
    for (let i = start; i < end; i++) out.push(i);
    return;
  }
  out.push(start);
  if (threshold === 1) return;
  if (threshold === 2) {
    out.push(end - 1);
    return;
  }
  let lowest = start;
  let highest = start;
  for (let i = start + 1; i < end; i++) {
    const y = ys[i] as number;
    if (y < (ys[lowest] as number)) lowest = i;
    if (y > (ys[highest] as number)) highest = i;
  }
  const every = (n - 2) / (threshold - 2);
  let a = start;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const from = start + Math.floor(bucket * every) + 1;
    const to = start + Math.floor((bucket + 1) * every) + 1;
    // The third corner of the triangle: the average of the next bucket (the last point for the last bucket).
    const nextFrom = to;
    const nextTo = Math.min(start + Math.floor((bucket + 2) * every) + 1, end);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextFrom; j < nextTo; j++) {
      avgX += xs[j];
      avgY += ys[j] as number;
    }
    const count = nextTo - nextFrom;
    avgX /= count;
    avgY /= count;
    const ax = xs[a];
    const ay = ys[a] as number;
    let chosen = from;
    let maxArea = -1;
    let forced = -1;
    for (let j = from; j < to; j++) {
      const area = Math.abs((ax - avgX) * ((ys[j] as number) - ay) - (ax - xs[j]) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
      if ((j === lowest || j === highest) && forced === -1) forced = j;
    }
    if (forced !== -1) chosen = forced;
    out.push(chosen);
    a = chosen;
  }
  out.push(end - 1);
}

/** Evenly spaced indices, first and last included: the fallback when gaps alone exceed the budget. */
function strideIndices(n: number, maxPoints: number): number[] {
  if (maxPoints === 1) return [0];
  const out: number[] = [];
  for (let i = 0; i < maxPoints; i++) out.push(Math.round((i * (n - 1)) / (maxPoints - 1)));
  return out;
}

/**
 * Indices (ascending) of at most `maxPoints` points that keep the curve's shape: the first and last point,
 * the first point of every gap (a null or non-finite value), and an LTTB sample of each finite stretch, its
 * share of the budget proportional to its length.
 */
export function downsampleIndices(xs: ArrayLike<number>, ys: ArrayLike<number | null>, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a whole number ≥ 1, got ${maxPoints}`);
  if (xs.length !== ys.length) throw new RangeError(`xs and ys differ in length (${xs.length} vs ${ys.length})`);
  const n = xs.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);

  const segments: Array<[start: number, end: number]> = [];
  const gapMarks: number[] = [];
  let i = 0;
  while (i < n) {
    if (isGap(ys[i])) {
      gapMarks.push(i);
      while (i < n && isGap(ys[i])) i++;
      if (i === n && gapMarks[gapMarks.length - 1] !== n - 1) gapMarks.push(n - 1);
    } else {
      const start = i;
      while (i < n && !isGap(ys[i])) i++;
      segments.push([start, i]);
    }
  }

  const minimums = segments.map(([s, e]) => Math.min(e - s, 2));
  const needed = gapMarks.length + minimums.reduce((sum, m) => sum + m, 0);
  if (needed > maxPoints) return strideIndices(n, maxPoints);

  const spare = maxPoints - needed;
  const weights = segments.map(([s, e], k) => e - s - minimums[k]);
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  const out: number[] = [];
  let mark = 0;
  segments.forEach(([s, e], k) => {
    while (mark < gapMarks.length && gapMarks[mark] < s) out.push(gapMarks[mark++]);
    const share = totalWeight === 0 ? 0 : Math.floor((spare * weights[k]) / totalWeight);
    lttbRange(xs, ys, s, e, minimums[k] + share, out);
  });
  while (mark < gapMarks.length) out.push(gapMarks[mark++]);
  return out;
}
