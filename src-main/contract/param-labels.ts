/**
 * How hyperparameters and runs are named wherever a person reads them: the CLI's tables, the UI's tables,
 * legends and filters, exports. One home, so "bs=16" in a legend is "bs=16" in the terminal and in a filter.
 */
import { PARAM_ORDER, type ParamName, type TrialParams } from './spec';

export type ParamScalar = number | string;

/** Long labels (form fields, table headers) and short ones (legends, run labels, filters, CLI columns). */
export const PARAM_LABELS: Readonly<Record<ParamName, { label: string; short: string }>> = {
  learningRate: { label: 'Learning rate', short: 'lr' },
  batchSize: { label: 'Batch size', short: 'bs' },
  epochs: { label: 'Epochs', short: 'epochs' },
  optimizer: { label: 'Optimizer', short: 'opt' },
  schedule: { label: 'LR schedule', short: 'sched' },
  weightDecay: { label: 'Weight decay', short: 'wd' },
  seed: { label: 'Seed', short: 'seed' },
  filters: { label: 'Filters', short: 'filters' },
  kernelSize: { label: 'Kernel size', short: 'kernel' },
  pooling: { label: 'Pooling', short: 'pool' },
  poolSize: { label: 'Pool size', short: 'poolsize' },
};

export function paramLabel(name: string): string {
  return (PARAM_LABELS as Record<string, { label: string }>)[name]?.label ?? name;
}

export function shortParamLabel(name: ParamName): string {
  return PARAM_LABELS[name].short;
}

/** A parameter named by its spec name or its short label, any case ("batchSize", "bs", "LR"). */
export function paramByName(text: string): ParamName | null {
  const wanted = text.trim().toLowerCase();
  return PARAM_ORDER.find((name) => name.toLowerCase() === wanted || PARAM_LABELS[name].short === wanted) ?? null;
}

export function paramValue(params: TrialParams, name: ParamName): ParamScalar | undefined {
  return (params as unknown as Partial<Record<ParamName, ParamScalar>>)[name];
}

/**
 * Whole numbers exactly (a seed of 2147483647 stays that); others with at most 6 significant digits, tiny
 * ones in exponent form (1e-5, not 0.00001).
 */
export function formatParamScalar(value: ParamScalar | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    return Math.abs(value) >= 1e-3 ? String(Number(value.toPrecision(6))) : value.toExponential();
  }
  return value;
}

/**
 * Parameters with more than one value among the runs: the only ones worth naming in labels and columns.
 * A parameter some runs lack (a CNN's filters next to an MLP) varies only if the runs that have it differ.
 */
export function varyingParams(runs: readonly { params: TrialParams }[]): ParamName[] {
  return PARAM_ORDER.filter((name) => {
    const seen = new Set<ParamScalar>();
    for (const run of runs) {
      const value = paramValue(run.params, name);
      if (value !== undefined) seen.add(value);
      if (seen.size > 1) return true;
    }
    return false;
  });
}

/** "bs=16 · lr=0.01", or '' when nothing is named. */
export function paramsLabel(params: TrialParams, names: readonly ParamName[]): string {
  return names.map((name) => `${shortParamLabel(name)}=${formatParamScalar(paramValue(params, name))}`).join(' · ');
}

/** The fields of a run that identify it to a person. */
export interface RunRef {
  id: number;
  index: number;
  experimentId: number;
}

/** Trials are numbered from 1 wherever a person reads them (the store keeps a 0-based index). */
export function trialNumber(run: Pick<RunRef, 'index'>): number {
  return run.index + 1;
}

/** The run's one visible id: its global run id, the same in the UI, the URL (#/runs/16) and the CLI. */
export function runName(run: Pick<RunRef, 'id'>): string {
  return `run ${run.id}`;
}

/** "run 16 · trial 1 of experiment 3". */
export function runDisplayId(run: RunRef): string {
  return `${runName(run)} · trial ${trialNumber(run)} of experiment ${run.experimentId}`;
}

/** A run in a legend or a list: its varying parameters, or its visible id when nothing varies. */
export function runLabel(run: Pick<RunRef, 'id'> & { params: TrialParams }, varying: readonly ParamName[]): string {
  return paramsLabel(run.params, varying) || runName(run);
}
