/**
 * Axis ranges and tick labels that never collide: a linear axis gets round ends that fall on its ticks
 * (so ECharts adds no stray end label such as "2.3" over "2") and one number format for every label; a log
 * axis spans whole decades, labelled all in plain decimals or all in powers of ten.
 */
export interface LinearTicks {
  min: number;
  max: number;
  interval: number;
  /** Decimals every label is written with. */
  decimals: number;
}

const tidy = (v: number) => Number.parseFloat(v.toPrecision(12));

/** 1, 2, 2.5 or 5 × 10^k: the step closest above span / target. */
export function niceStep(span: number, target = 5): number {
  const raw = span / Math.max(1, target);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const decade = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * decade >= raw * 0.999) ?? 10;
  return tidy(step * decade);
}

export function decimalsOf(step: number): number {
  for (let d = 0; d <= 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9 * 10 ** d) return d;
  return 12;
}

/**
 * Round ends around [min, max] on a nice step (about `target` intervals); never below 0 when every value is
 * positive, never above 0 when every value is negative.
 */
export function linearTicks(min: number, max: number, target = 5): LinearTicks {
  let lo = min;
  let hi = max;
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  // A little air above and below the data, so lines never run along the frame.
  const air = (hi - lo) * 0.04;
  const paddedLo = min >= 0 && lo - air < 0 ? 0 : lo - air;
  const paddedHi = max <= 0 && hi + air > 0 ? 0 : hi + air;
  const interval = niceStep(paddedHi - paddedLo, target);
  return {
    min: tidy(Math.floor(tidy(paddedLo / interval)) * interval),
    max: tidy(Math.ceil(tidy(paddedHi / interval)) * interval),
    interval,
    decimals: decimalsOf(interval),
  };
}

/**
 * Every label of an axis in one format: decimals fixed by the step; very large or very small axes as a
 * mantissa times one shared power of ten (0.5e-5, 1.0e-5, 1.5e-5), never a mix of both styles.
 */
export function formatLinearTick(value: number, ticks: Pick<LinearTicks, 'interval' | 'decimals' | 'min' | 'max'>): string {
  const magnitude = Math.max(Math.abs(ticks.min), Math.abs(ticks.max));
  if (magnitude >= 1e6 || ticks.interval < 1e-4) {
    if (value === 0) return '0';
    const exponent = Math.floor(Math.log10(magnitude));
    const scale = 10 ** exponent;
    return `${(value / scale).toFixed(decimalsOf(tidy(ticks.interval / scale)))}e${exponent}`;
  }
  const text = value.toFixed(ticks.decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

export interface LogTicks {
  min: number;
  max: number;
  /** Write every label as 1e-4 (the axis reaches below 0.001 or above 10,000) or every label as 0.01. */
  powers: boolean;
}

export function logTicks(minPositive: number, max: number): LogTicks {
  const lo = Math.floor(Math.log10(minPositive));
  let hi = Math.ceil(Math.log10(Math.max(max, minPositive)));
  if (hi === lo) hi = lo + 1;
  return { min: 10 ** lo, max: 10 ** hi, powers: lo < -3 || hi > 4 };
}

export function formatLogTick(value: number, ticks: Pick<LogTicks, 'powers'>): string {
  const exponent = Math.round(Math.log10(value));
  const isDecade = Math.abs(Math.log10(value) - exponent) < 1e-9;
  if (ticks.powers) return isDecade ? `1e${exponent}` : value.toExponential(1).replace('e+', 'e');
  return String(tidy(value));
}

/**
 * Counts on an x axis (iterations, samples): 950 · 12k · 1.5M. Each label is written by the same rule,
 * whatever ticks a zoom produces.
 */
export function formatCountTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${tidy(value / 1e6)}M`;
  if (abs >= 1e3) return `${tidy(value / 1e3)}k`;
  return String(tidy(value));
}
