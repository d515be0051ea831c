/**
 * The search space as samplers see it, independent of how the spec writes it, with the meaning random
 * search gives a field (contract/param-values.ts): a range without steps is a continuous interval
 * (log-scaled or not; whole numbers for integer fields), a list or a range with steps is a choice among its
 * values, and a single value is fixed. Seeds are not searched: a list of seeds repeats every configuration.
 */
import { INTEGER_PARAMS, fieldValues, isRange, roundSample, type ExperimentSpec, type ParamName, type TrialParams } from '../../contract';
import { activeFields } from './expand';

export type Dimension =
  | { name: ParamName; kind: 'float' | 'int'; low: number; high: number; log: boolean }
  | { name: ParamName; kind: 'categorical'; choices: Array<number | string> };

export type ParamPoint = Record<string, number | string>;

export interface SearchSpace {
  dims: Dimension[];
  /** Fields with one value. */
  fixed: ParamPoint;
  /** Every configuration is trained once per seed. */
  seeds: number[];
}

export function searchSpaceOf(spec: ExperimentSpec): SearchSpace {
  const dims: Dimension[] = [];
  const fixed: ParamPoint = {};
  let seeds: number[] = [1];
  for (const [name, value] of activeFields(spec)) {
    const integer = INTEGER_PARAMS.has(name);
    if (name === 'seed') {
      seeds = fieldValues(value, true) as number[];
      continue;
    }
    if (isRange(value) && value.steps === undefined && value.from !== value.to) {
      const low = Math.min(value.from, value.to);
      const high = Math.max(value.from, value.to);
      // A whole-number range holds the whole numbers inside it.
      dims.push(integer ? { name, kind: 'int', low: Math.ceil(low), high: Math.floor(high), log: value.scale === 'log' } : { name, kind: 'float', low, high, log: value.scale === 'log' });
      continue;
    }
    if (isRange(value) && value.steps === undefined) {
      fixed[name] = value.from;
      continue;
    }
    const values = fieldValues(value, integer);
    if (values.length === 1) fixed[name] = values[0];
    else dims.push({ name, kind: 'categorical', choices: values });
  }
  return { dims, fixed, seeds };
}

/** A point drawn uniformly from the space (log-uniformly on log ranges), as Optuna's RandomSampler does. */
export function samplePoint(dims: readonly Dimension[], rng: () => number): ParamPoint {
  const point: ParamPoint = {};
  for (const dim of dims) point[dim.name] = sampleDimension(dim, rng);
  return point;
}

function sampleDimension(dim: Dimension, rng: () => number): number | string {
  if (dim.kind === 'categorical') return dim.choices[Math.min(dim.choices.length - 1, Math.floor(rng() * dim.choices.length))];
  // Whole numbers: uniform over [low − ½, high + ½] then rounded, so the ends are as likely as the rest.
  const pad = dim.kind === 'int' ? 0.5 : 0;
  const lo = dim.low - pad;
  const hi = dim.high + pad;
  const x = dim.log ? Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng()) : lo + (hi - lo) * rng();
  return toExternal(dim, x);
}

/**
 * A sampler's internal number (a choice's index, or the raw value) back to the value a trial gets: sampled
 * numbers are rounded as random search rounds them (3 significant digits), so both read alike.
 */
export function toExternal(dim: Dimension, x: number): number | string {
  if (dim.kind === 'categorical') return dim.choices[Math.min(dim.choices.length - 1, Math.max(0, Math.round(x)))];
  return roundSample(x, dim.kind === 'int', dim.low, dim.high);
}

/** The number a sampler works with: a choice's index, or the value itself. Null when outside the space. */
export function toInternal(dim: Dimension, value: unknown): number | null {
  if (dim.kind === 'categorical') {
    const index = dim.choices.indexOf(value as number | string);
    return index < 0 ? null : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < dim.low || value > dim.high) return null;
  return value;
}

/** Identifies a configuration (every field but the seed): two trials with the same key train the same model. */
export function configKey(params: TrialParams | ParamPoint): string {
  const { seed: _seed, ...rest } = params as ParamPoint;
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
}
