/** Summaries of repeated measurements: every figure in a bench table is a median with its range. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/** 12345 → "12.3k", 987 → "987", 3.2 → "3.2". */
export function compact(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e7 ? 0 : 1)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(x >= 1e4 ? 0 : 1)}k`;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(2);
}

/** "median (min–max)" in compact units. */
export function formatSummary(s: Summary): string {
  return s.n === 0 ? '–' : `${compact(s.median)} (${compact(s.min)}–${compact(s.max)})`;
}
