/** Runs as lists and charts see them: which parameters vary, how a run is labelled (groups: groups.ts). */
import { PARAM_ORDER, type ParamName, type RunSummary, type TrialParams } from '../contract';
import { distinctSorted, formatParamScalar, type ParamScalar } from './categories';
import { shortParamLabel } from '../form/params';

export function paramValue(params: TrialParams, name: ParamName): ParamScalar | undefined {
  return (params as unknown as Partial<Record<ParamName, ParamScalar>>)[name];
}

/** Parameters with more than one value among the runs: the only ones worth naming in labels. */
export function varyingParams(runs: readonly Pick<RunSummary, 'params'>[]): ParamName[] {
  return PARAM_ORDER.filter((name) => distinctSorted(runs.map((r) => paramValue(r.params, name))).length > 1);
}

/** "bs=16 · lr=0.01 · seed=2": the given parameters' short names and values. */
export function paramsText(params: TrialParams, names: readonly ParamName[]): string {
  return names.map((name) => `${shortParamLabel(name)}=${formatParamScalar(paramValue(params, name))}`).join(' · ');
}

/** "bs=16 · lr=0.01 · seed=2", or "run 3" when nothing varies. */
export function runLabel(run: Pick<RunSummary, 'params' | 'index'>, varying: readonly ParamName[]): string {
  return paramsText(run.params, varying) || `run ${run.index + 1}`;
}
