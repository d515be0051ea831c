/** Turning one hyperparameter's value / list / range into concrete values (grid) or samples (random). */
import type { Range } from '../../contract';

export type ParamValue = number | string | readonly (number | string)[] | Range;

export function isRange(value: unknown): value is Range {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'from' in value;
}

/** Rounds away float noise so that 0.1 from a linear range equals a typed 0.1 (and dedupes properly). */
export function tidyNumber(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}

/** The values of a range: linear or geometric steps, both ends included. */
export function rangeValues(range: Range, integer: boolean): number[] {
  const { from, to, steps, scale } = range;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    const v = scale === 'log' ? from * Math.pow(to / from, t) : from + (to - from) * t;
    out.push(integer ? Math.round(v) : tidyNumber(v));
  }
  return out;
}

/** Distinct values in first-seen order (a grid must not train the same point twice). */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Grid values of one field: a single value, a list, or a range, deduplicated, order kept. */
export function gridValues(value: ParamValue, integer: boolean): Array<number | string> {
  if (isRange(value)) return distinct(rangeValues(value, integer));
  if (Array.isArray(value)) return distinct(value as (number | string)[]);
  return [value as number | string];
}

/** Random search: a list is a uniform choice; a range is uniform (linear) or log-uniform (log); integers rounded. */
export function sampleValue(value: ParamValue, integer: boolean, rng: () => number): number | string {
  if (isRange(value)) {
    const lo = Math.min(value.from, value.to);
    const hi = Math.max(value.from, value.to);
    const v = value.scale === 'log' ? Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng()) : lo + (hi - lo) * rng();
    return integer ? Math.round(v) : tidyNumber(v);
  }
  if (Array.isArray(value)) return value[Math.floor(rng() * value.length)] as number | string;
  return value as number | string;
}
