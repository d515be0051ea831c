/**
 * Growing a study: the spec it would have had, had it asked for more from the start, and the trials that
 * adds. Random search draws the same stream further (its first trials are the stored ones), a grid gains
 * the combinations of the new values, TPE gets a larger trial count and proposes the rest while training.
 */
import {
  INTEGER_PARAMS, distinct, fieldValues, type ExperimentSpec, type FieldIssue, type NumberRange, type ParamName, type ParamValue, type TrialParams,
} from '../../contract';
import { activeFields, expandTrials } from './expand';
import { configKey } from './space';

export interface ExtendRequest {
  trials?: number;
  add?: Partial<Record<ParamName, number | string | Array<number | string> | NumberRange>>;
}

/** The grown spec (still to be validated as a whole), or the issues that make the request impossible. */
export function extendedSpec(spec: ExperimentSpec, request: ExtendRequest): { spec: ExperimentSpec } | { issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const search = spec.search;
  if (search.method === 'grid') {
    if (request.trials !== undefined) issues.push({ path: 'trials', message: 'a grid grows by new values (add), not by a trial count' });
    if (!request.add) issues.push({ path: 'add', message: 'name the values to add to the grid, e.g. learningRate: [0.3]' });
  } else {
    if (request.add) issues.push({ path: 'add', message: `${search.method} search grows by trials; new values only apply to a grid` });
    if (request.trials === undefined) issues.push({ path: 'trials', message: 'say how many trials to add' });
  }
  if (issues.length) return { issues };
  if (search.method !== 'grid') return { spec: { ...spec, search: { ...search, trials: search.trials + request.trials! } } };
  const current = new Map(activeFields(spec));
  const params = { ...spec.params } as Record<string, unknown>;
  for (const [name, added] of Object.entries(request.add!) as Array<[ParamName, ParamValue]>) {
    const integer = INTEGER_PARAMS.has(name);
    const before = current.get(name);
    params[name] = distinct([...(before === undefined ? [] : fieldValues(before, integer)), ...fieldValues(added, integer)]);
  }
  return { spec: { ...spec, params: params as ExperimentSpec['params'] } };
}

/** Trials of the grown grid or random study that are not stored yet, in the study's own order. */
export function addedTrials(grown: ExperimentSpec, stored: readonly TrialParams[]): TrialParams[] {
  const have = new Set(stored.map(fullKey));
  return expandTrials(grown).filter((t) => !have.has(fullKey(t)));
}

function fullKey(params: TrialParams): string {
  return `${configKey(params)}|${params.seed}`;
}
