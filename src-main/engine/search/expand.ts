/** Expanding a spec's search space into trials: grid (cartesian product) or seeded random samples. */
import {
  CNN_ONLY_PARAMS, CNN_PARAM_DEFAULTS, INTEGER_PARAMS, PARAM_ORDER, fieldValues, sampleValue,
  type ExperimentSpec, type ParamName, type ParamValue, type TrialParams,
} from '../../contract';
import { createRng } from '../random';

/**
 * Stable order: the first parameter in PARAM_ORDER varies slowest, seeds vary fastest, so repeats of one
 * configuration sit next to each other. Duplicated points (random samples drawn twice) are removed.
 * Callers pass a validated spec: the schema has already refused a search space over MAX_TRIALS, counted
 * without expanding (contract/spec.ts trialCountOf), so this never builds more than that.
 */
export function expandTrials(spec: ExperimentSpec): TrialParams[] {
  const fields = activeFields(spec);
  const points = spec.search.method === 'grid' ? gridPoints(fields) : randomPoints(fields, spec.search.trials, spec.search.seed);
  const seen = new Set<string>();
  const trials: TrialParams[] = [];
  for (const point of points) {
    const key = JSON.stringify(point);
    if (seen.has(key)) continue;
    seen.add(key);
    trials.push(point as unknown as TrialParams);
  }
  return trials;
}

export type Fields = Array<[ParamName, ParamValue]>;

/** The spec's hyperparameters in PARAM_ORDER, with the CNN template's defaults where a CNN field is blank. */
export function activeFields(spec: ExperimentSpec): Fields {
  const params = spec.params as Record<ParamName, ParamValue | undefined>;
  const fields: Fields = [];
  for (const name of PARAM_ORDER) {
    let value = params[name];
    if (value === undefined && spec.model.template === 'cnn' && (CNN_ONLY_PARAMS as readonly string[]).includes(name)) {
      value = CNN_PARAM_DEFAULTS[name as keyof typeof CNN_PARAM_DEFAULTS];
    }
    if (value !== undefined) fields.push([name, value]);
  }
  return fields;
}

function gridPoints(fields: Fields): Array<Record<string, number | string>> {
  let points: Array<Record<string, number | string>> = [{}];
  for (const [name, value] of fields) {
    const values = fieldValues(value, INTEGER_PARAMS.has(name));
    const next: Array<Record<string, number | string>> = [];
    for (const point of points) for (const v of values) next.push({ ...point, [name]: v });
    points = next;
  }
  return points;
}

/** N sampled configurations; a list of seeds still means repeats, so each sample is crossed with every seed. */
function randomPoints(fields: Fields, count: number, seed: number): Array<Record<string, number | string>> {
  const rng = createRng(seed);
  const sampled = fields.filter(([name]) => name !== 'seed');
  const seeds = fields.find(([name]) => name === 'seed');
  const points: Array<Record<string, number | string>> = [];
  for (let i = 0; i < count; i++) {
    const point: Record<string, number | string> = {};
    for (const [name, value] of sampled) point[name] = sampleValue(value, INTEGER_PARAMS.has(name), rng);
    points.push(point);
  }
  return seeds ? crossSeeds(points, seeds[1]) : points;
}

function crossSeeds(points: Array<Record<string, number | string>>, seeds: ParamValue): Array<Record<string, number | string>> {
  const values = fieldValues(seeds, true);
  return points.flatMap((p) => values.map((seed) => ({ ...p, seed })));
}
