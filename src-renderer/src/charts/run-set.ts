/**
 * The runs a chart draws, with what labelling and judging them needs: which parameters vary, the names of
 * their experiments (shown only when runs come from more than one), and the best-epoch rule each
 * experiment's runs were judged by (from its spec, through the contract's one rule).
 */
import {
  canBeBest, MONITOR_LABELS, specBestEpochRule, type BestEpochRule, type EpochMetric, type ExperimentWithSpec, type Monitor, type ParamName,
  type RunSummary, type TrialConfig,
} from '../contract';
import { paramsText, varyingParams } from './runs';

export interface ExperimentInfo {
  id: number;
  name: string;
  spec: Pick<ExperimentWithSpec['spec'], 'training' | 'validation'> & { params?: ExperimentWithSpec['spec']['params'] };
}

export interface RunSet {
  runs: readonly RunSummary[];
  varying: readonly ParamName[];
  /** Experiment names by id, filled only when the runs come from more than one experiment. */
  experimentNames: ReadonlyMap<number, string>;
  rules: ReadonlyMap<number, BestEpochRule>;
  /** Hyperparameters some experiment drew from a log range (their axes are logarithmic). */
  logRanges: ReadonlySet<ParamName>;
}

function logRangesOf(experiments: readonly ExperimentInfo[]): Set<ParamName> {
  const out = new Set<ParamName>();
  for (const e of experiments) {
    for (const [name, value] of Object.entries(e.spec.params ?? {}) as Array<[string, unknown]>) {
      if (value && typeof value === 'object' && !Array.isArray(value) && (value as { scale?: string }).scale === 'log') out.add(name as ParamName);
    }
  }
  return out;
}

export function makeRunSet(runs: readonly RunSummary[], experiments: readonly ExperimentInfo[] = []): RunSet {
  const owners = new Set(runs.map((r) => r.experimentId));
  const experimentNames = new Map<number, string>();
  if (owners.size > 1) for (const e of experiments) if (owners.has(e.id)) experimentNames.set(e.id, e.name);
  for (const id of owners) if (owners.size > 1 && !experimentNames.has(id)) experimentNames.set(id, `experiment ${id}`);
  const rules = new Map(experiments.map((e) => [e.id, specBestEpochRule(e.spec)]));
  return { runs, varying: varyingParams(runs), experimentNames, rules, logRanges: logRangesOf(experiments) };
}

/** One run on its own page: its rule comes from its own config. */
export function singleRunSet(run: RunSummary & { config: Pick<TrialConfig, 'training' | 'validation'> }): RunSet {
  return makeRunSet([run], [{ id: run.experimentId, name: '', spec: { training: run.config.training, validation: run.config.validation } }]);
}

const fallbackRule = (run: RunSummary): BestEpochRule => ({ monitor: run.bestValLoss !== null || run.finalValLoss !== null ? 'val_loss' : 'train_loss', minDelta: 0 });

/** The rule the engine judged this run's best epoch by. */
export function ruleOf(set: RunSet, run: RunSummary): BestEpochRule {
  return set.rules.get(run.experimentId) ?? fallbackRule(run);
}

/**
 * What groups and runs are ranked by: the experiments' own monitor when they all share it; otherwise
 * validation loss at each run's stored best epoch (training loss when no run has a validation set).
 */
export function rankingRule(set: RunSet): BestEpochRule {
  const monitors = new Set(set.runs.map((r) => ruleOf(set, r).monitor));
  if (monitors.size === 1) return ruleOf(set, set.runs[0]);
  return { monitor: set.runs.some((r) => r.bestValLoss !== null) ? 'val_loss' : 'train_loss', minDelta: 0 };
}

export function monitorLabel(monitor: Monitor): string {
  return MONITOR_LABELS[monitor];
}

/** A run's monitored value at its stored best epoch; null until the engine has judged one, and for a run that can never be best. */
export function storedBestValue(run: RunSummary, monitor: Monitor, epochs?: readonly EpochMetric[]): number | null {
  // A diverged run is never named the best of anything (contract: canBeBest); every ranking here reads this.
  if (run.bestEpoch === null || !canBeBest(run.status)) return null;
  const value = (() => {
    switch (monitor) {
      case 'val_loss':
        return run.bestValLoss;
      case 'val_accuracy':
        return run.bestValAccuracy;
      case 'train_loss':
        return run.bestTrainLoss;
      case 'train_accuracy':
        return epochs?.find((m) => m.epoch === run.bestEpoch)?.trainAccuracy ?? null;
    }
  })();
  return value !== null && Number.isFinite(value) ? value : null;
}

/** Parameters named in labels, optionally leaving some out (the seed of a seed mean, a group's own parameter). */
export function paramsLabel(set: RunSet, run: RunSummary, leaveOut: readonly ParamName[] = []): string {
  return paramsText(run.params, set.varying.filter((name) => !leaveOut.includes(name)));
}

/** "mnist grid · bs=16 · lr=0.01 · seed=2", the experiment only when several are compared, or "run 16". */
export function runSetLabel(set: RunSet, run: RunSummary, leaveOut: readonly ParamName[] = []): string {
  const parts = [set.experimentNames.get(run.experimentId), paramsLabel(set, run, leaveOut)].filter((p): p is string => !!p);
  return parts.length ? parts.join(' · ') : `run ${run.id}`;
}
