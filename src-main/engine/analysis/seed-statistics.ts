/**
 * Is a difference between two settings real or seed noise? Welch's t-test (no equal-variance assumption),
 * a percentile bootstrap interval of the difference of means, and the number of seeds per setting a
 * two-sided two-sample t-test at α = 0.05 needs to detect a difference of this size with 80 % power
 * (exact, with the noncentral t distribution; the effect size is the difference over the pooled sd).
 */
import { createRng } from '../random';
import { noncentralTCdf, studentTCdf, studentTQuantile } from './distributions';

export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator); 0 for one value. */
  variance: number;
}

export function moments(values: readonly number[]): Moments {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance };
}

export interface WelchResult {
  t: number;
  df: number;
  /** Two-sided. */
  pValue: number;
}

/** Welch's unequal-variances t-test of mean(a) − mean(b); null when either side has < 2 values or no spread. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  const ma = moments(a);
  const mb = moments(b);
  const va = ma.variance / ma.n;
  const vb = mb.variance / mb.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const t = (ma.mean - mb.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (ma.n - 1) + (vb * vb) / (mb.n - 1));
  const pValue = 2 * studentTCdf(-Math.abs(t), df);
  return { t, df, pValue: Math.min(1, pValue) };
}

/** Linear interpolation between order statistics (numpy's default percentile). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Percentile bootstrap interval of mean(a) − mean(b), each side resampled with replacement, from a seed. */
export function bootstrapDifference(
  a: readonly number[], b: readonly number[], options: { resamples?: number; level?: number; seed?: number } = {},
): { low: number; high: number; resamples: number } | null {
  if (a.length < 2 || b.length < 2) return null;
  const resamples = options.resamples ?? 10_000;
  const level = options.level ?? 0.95;
  const rng = createRng(options.seed ?? 0);
  const meanOf = (xs: readonly number[]) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rng() * xs.length)];
    return s / xs.length;
  };
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) diffs[r] = meanOf(a) - meanOf(b);
  diffs.sort();
  const sorted = Array.from(diffs);
  return { low: quantile(sorted, (1 - level) / 2), high: quantile(sorted, 1 - (1 - level) / 2), resamples };
}

/** Power of the two-sided two-sample (pooled) t-test with n per group, effect size d, level α. */
export function tTestPower(n: number, effectSize: number, alpha = 0.05): number {
  const df = 2 * n - 2;
  const delta = Math.abs(effectSize) * Math.sqrt(n / 2);
  const crit = studentTQuantile(1 - alpha / 2, df);
  return 1 - noncentralTCdf(crit, df, delta) + noncentralTCdf(-crit, df, delta);
}

export const MAX_SEEDS = 100_000;

/** Smallest n per group with power ≥ `power`; null when the effect is 0 (or needs more than MAX_SEEDS). */
export function seedsForPower(effectSize: number, power = 0.8, alpha = 0.05): number | null {
  if (!(Math.abs(effectSize) > 0) || !Number.isFinite(effectSize)) return null;
  let hi = 2;
  while (tTestPower(hi, effectSize, alpha) < power) {
    hi *= 2;
    if (hi > MAX_SEEDS) return null;
  }
  let lo = Math.max(2, Math.floor(hi / 2));
  if (tTestPower(lo, effectSize, alpha) >= power) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (tTestPower(mid, effectSize, alpha) >= power) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Cohen's d: the difference of means over the pooled standard deviation. */
export function pooledEffectSize(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const ma = moments(a);
  const mb = moments(b);
  const pooled = Math.sqrt(((ma.n - 1) * ma.variance + (mb.n - 1) * mb.variance) / (ma.n + mb.n - 2));
  if (!(pooled > 0)) return null;
  return (ma.mean - mb.mean) / pooled;
}
