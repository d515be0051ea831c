/**
 * Mean ± std across runs (seeds of one configuration, or every run sharing a hyperparameter value).
 * Epoch curves line up by epoch number; downsampled iteration curves do not share x values (LTTB keeps
 * different points per run), so those are binned on the x axis first.
 */
export interface AggregatePoint {
  /** What the members were lined up on (the epoch), for aligned aggregates. */
  key?: number;
  x: number;
  mean: number;
  std: number;
  /** How many runs had a value here (runs stopped early drop out). */
  n: number;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value) of the finite values. */
export function meanStd(values: readonly (number | null)[]): { mean: number; std: number; n: number } | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return null;
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const variance = finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

export interface KeyedPoint {
  /** What lines points up across runs (the epoch number). */
  key: number;
  x: number;
  y: number | null;
}

/** Aggregates curves point by point on a shared key; x is the members' mean x (wall time differs by run). */
export function aggregateAligned(curves: readonly (readonly KeyedPoint[])[]): AggregatePoint[] {
  const byKey = new Map<number, { xs: number[]; ys: number[] }>();
  for (const curve of curves) {
    for (const p of curve) {
      if (p.y === null || !Number.isFinite(p.y)) continue;
      const slot = byKey.get(p.key) ?? { xs: [], ys: [] };
      slot.xs.push(p.x);
      slot.ys.push(p.y);
      byKey.set(p.key, slot);
    }
  }
  const out: AggregatePoint[] = [];
  for (const key of [...byKey.keys()].sort((a, b) => a - b)) {
    const slot = byKey.get(key)!;
    const stats = meanStd(slot.ys)!;
    out.push({ key, x: slot.xs.reduce((a, b) => a + b, 0) / slot.xs.length, ...stats });
  }
  return out;
}

/**
 * Aggregates curves sampled at unrelated x values: the x range is cut into `bins` equal buckets, each curve
 * contributes the mean of its points in a bucket (so a densely sampled run does not outweigh a sparse
 * one), and buckets are aggregated across curves.
 */
export function aggregateBinned(curves: readonly (readonly { x: number; y: number | null }[])[], bins = 200): AggregatePoint[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const curve of curves) {
    for (const p of curve) {
      if (p.y === null || !Number.isFinite(p.y) || !Number.isFinite(p.x)) continue;
      lo = Math.min(lo, p.x);
      hi = Math.max(hi, p.x);
    }
  }
  if (!Number.isFinite(lo)) return [];
  const count = Math.max(1, Math.floor(bins));
  const width = hi > lo ? (hi - lo) / count : 1;
  const binOf = (x: number) => Math.min(count - 1, Math.floor((x - lo) / width));
  const perBin = Array.from({ length: count }, () => ({ xs: [] as number[], ys: [] as number[] }));
  for (const curve of curves) {
    const sums = new Map<number, { x: number; y: number; n: number }>();
    for (const p of curve) {
      if (p.y === null || !Number.isFinite(p.y) || !Number.isFinite(p.x)) continue;
      const b = binOf(p.x);
      const s = sums.get(b) ?? { x: 0, y: 0, n: 0 };
      s.x += p.x;
      s.y += p.y;
      s.n += 1;
      sums.set(b, s);
    }
    for (const [b, s] of sums) {
      perBin[b].xs.push(s.x / s.n);
      perBin[b].ys.push(s.y / s.n);
    }
  }
  const out: AggregatePoint[] = [];
  for (const slot of perBin) {
    const stats = meanStd(slot.ys);
    if (!stats) continue;
    out.push({ x: slot.xs.reduce((a, b) => a + b, 0) / slot.xs.length, ...stats });
  }
  return out;
}
