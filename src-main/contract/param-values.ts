/**
 * One hyperparameter's value as a spec holds it — a single value, a list, or a range — and everything that
 * is computed from it: the values of a range, how many values a field has (counted, never expanded), the
 * rules every range obeys (log ranges, whole-number ranges), sampling for random search and the rounding
 * of sampled values. The schema (spec.ts), the search engine and the renderer's field syntax all use these,
 * so a range means the same thing everywhere.
 */

export const RANGE_SCALES = ['linear', 'log'] as const;
export type RangeScale = (typeof RANGE_SCALES)[number];

/**
 * `from` to `to`, both ends included. With `steps`, that many evenly spaced values (geometrically for
 * `log`): a grid needs them. Without, random search samples the interval continuously.
 */
export interface NumberRange {
  from: number;
  to: number;
  steps?: number;
  scale: RangeScale;
}

export type ParamValue = number | string | readonly (number | string)[] | NumberRange;

export function isRange(value: unknown): value is NumberRange {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'from' in value && 'to' in value;
}

/** Rounds away float noise so that 0.1 from a linear range equals a typed 0.1 (and duplicates are seen). */
export function tidyNumber(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}

/** Significant digits a sampled value keeps: 0.00347, not 0.0034712398127. */
export const SAMPLE_DIGITS = 3;

/** A continuously sampled value as it is stored and printed: integers rounded, others to SAMPLE_DIGITS, kept inside the range. */
export function roundSample(x: number, integer: boolean, lo: number, hi: number): number {
  const rounded = integer ? Math.round(x) : Number.parseFloat(x.toPrecision(SAMPLE_DIGITS));
  return Math.min(hi, Math.max(lo, rounded));
}

/** The i-th of a range's `steps` values (before de-duplication). */
function rangeValueAt(range: NumberRange, steps: number, i: number, integer: boolean): number {
  const { from, to, scale } = range;
  const t = steps === 1 ? 0 : i / (steps - 1);
  const v = scale === 'log' ? from * Math.pow(to / from, t) : from + (to - from) * t;
  return integer ? Math.round(v) : tidyNumber(v);
}

/** The values of a range with steps: linear or geometric, both ends included, duplicates (rounding) removed. */
export function rangeValues(range: NumberRange, integer: boolean): number[] {
  const steps = requireSteps(range);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const v = rangeValueAt(range, steps, i, integer);
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}

/**
 * How many distinct values `rangeValues` gives, counted in O(steps) time and no memory. The sequence is
 * monotonic, so rounding can only merge neighbours.
 */
export function countRangeValues(range: NumberRange, integer: boolean): number {
  const steps = requireSteps(range);
  let count = 0;
  let previous: number | null = null;
  for (let i = 0; i < steps; i++) {
    const v = rangeValueAt(range, steps, i, integer);
    if (v !== previous) count++;
    previous = v;
  }
  return count;
}

function requireSteps(range: NumberRange): number {
  if (range.steps === undefined) throw new RangeError('a range without steps has no fixed values (random search samples it)');
  return range.steps;
}

/** Distinct values in first-seen order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** The values a grid tries for one field: the value, the list, or the range's values. */
export function fieldValues(value: ParamValue, integer: boolean): Array<number | string> {
  if (isRange(value)) return rangeValues(value, integer);
  if (Array.isArray(value)) return distinct(value as Array<number | string>);
  return [value as number | string];
}

/** How many values `fieldValues` gives, without building them; Infinity for a range without steps. */
export function countFieldValues(value: ParamValue, integer: boolean): number {
  if (isRange(value)) return value.steps === undefined ? Infinity : countRangeValues(value, integer);
  if (Array.isArray(value)) return new Set(value).size;
  return 1;
}

/** The number of combinations of fields with these value counts (a float: it may pass 2^53, never overflows to a wrong small number). */
export function countCombinations(counts: Iterable<number>): number {
  let product = 1;
  for (const count of counts) product *= count;
  return product;
}

/**
 * Random search: a list is a uniform choice; a range with steps is a uniform choice among its values; a
 * range without steps is sampled continuously — uniform (linear) or log-uniform (log), integers uniform
 * over the whole numbers in it — and rounded with roundSample.
 */
export function sampleValue(value: ParamValue, integer: boolean, rng: () => number): number | string {
  if (isRange(value)) {
    if (value.steps !== undefined) {
      const values = rangeValues(value, integer);
      return values[Math.floor(rng() * values.length)];
    }
    const lo = Math.min(value.from, value.to);
    const hi = Math.max(value.from, value.to);
    if (value.scale === 'log') return roundSample(Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng()), integer, lo, hi);
    if (integer) return Math.min(hi, Math.ceil(lo) + Math.floor(rng() * (Math.floor(hi) - Math.ceil(lo) + 1)));
    return roundSample(lo + (hi - lo) * rng(), false, lo, hi);
  }
  if (Array.isArray(value)) return value[Math.floor(rng() * value.length)] as number | string;
  return value as number | string;
}

/** A problem with one part of a range; `part` is the key to report it at (none: the range itself). */
export interface RangeProblem {
  part?: 'from' | 'to' | 'steps';
  message: string;
}

/**
 * The rules every range obeys on top of its field's limits on `from` and `to`: a log range needs both ends
 * above 0; a whole-number range cannot have more steps than whole numbers between its ends.
 */
export function rangeProblems(range: NumberRange, integer: boolean): RangeProblem[] {
  const problems: RangeProblem[] = [];
  if (range.scale === 'log' && (range.from <= 0 || range.to <= 0)) {
    problems.push({ message: 'a log range needs from and to greater than 0' });
  }
  const span = Math.abs(range.to - range.from) + 1;
  if (integer && range.steps !== undefined && range.from !== range.to && range.steps > span) {
    problems.push({ part: 'steps', message: `${range.steps} steps between ${range.from} and ${range.to} repeat whole numbers; use at most ${span}` });
  }
  return problems;
}

/** The message for a grid range that has no step count. */
export function missingStepsMessage(range: NumberRange): string {
  return `a grid needs a step count: how many values from ${range.from} to ${range.to} (e.g. "steps": 5); only random search samples a range without one`;
}

/** A list may not name a value twice (a typo, or a grid that would train one point twice); null when it is fine. */
export function repeatedValuesProblem(list: readonly unknown[]): string | null {
  const seen = new Set<unknown>();
  const repeated = new Set<unknown>();
  for (const v of list) (seen.has(v) ? repeated : seen).add(v);
  if (!repeated.size) return null;
  return `${[...repeated].map(String).join(', ')} ${repeated.size > 1 ? 'are' : 'is'} listed more than once`;
}
