/**
 * How a best epoch is judged: which metric is monitored and what counts as an improvement. One rule, read
 * by the engine (which judges each run's best epoch and stores it) and by the charts (which draw those
 * stored epochs, and judge the mean curve of a seed group with the same rule, labelled as the group's).
 */
import type { EarlyStoppingSpec, ExperimentSpec, Monitor, ValidationSpec } from './spec';
import type { EpochMetric } from './records';

export type MonitoredField = 'valLoss' | 'valAccuracy' | 'trainLoss' | 'trainAccuracy';

export const MONITOR_FIELD: Readonly<Record<Monitor, MonitoredField>> = {
  val_loss: 'valLoss',
  val_accuracy: 'valAccuracy',
  train_loss: 'trainLoss',
  train_accuracy: 'trainAccuracy',
};

export const MONITOR_LABELS: Readonly<Record<Monitor, string>> = {
  val_loss: 'validation loss',
  val_accuracy: 'validation accuracy',
  train_loss: 'training loss',
  train_accuracy: 'training accuracy',
};

export interface BestEpochRule {
  monitor: Monitor;
  /** An epoch is a new best only when it beats the best so far by more than this. */
  minDelta: number;
}

/** Validation loss by default: a falling training loss can hide over-fitting. */
export function bestEpochRule(early: EarlyStoppingSpec | undefined, hasValidation: boolean): BestEpochRule {
  return { monitor: early?.monitor ?? (hasValidation ? 'val_loss' : 'train_loss'), minDelta: early?.minDelta ?? 0 };
}

export function hasValidationSet(validation: ValidationSpec): boolean {
  return 'dataset' in validation || validation.split > 0;
}

/** The rule the engine applies to every run of an experiment. */
export function specBestEpochRule(spec: Pick<ExperimentSpec, 'training' | 'validation'>): BestEpochRule {
  return bestEpochRule(spec.training.earlyStopping, hasValidationSet(spec.validation));
}

export function higherIsBetter(monitor: Monitor): boolean {
  return monitor.endsWith('accuracy');
}

/** Whether `value` is a new best after `best` (null: nothing judged yet). Non-finite values never are. */
export function isImprovement(value: number | null, best: number | null, rule: BestEpochRule): boolean {
  if (value === null || !Number.isFinite(value)) return false;
  if (best === null) return true;
  const gain = higherIsBetter(rule.monitor) ? value - best : best - value;
  return gain > rule.minDelta;
}

export function monitoredValue(metric: Pick<EpochMetric, MonitoredField>, monitor: Monitor): number | null {
  const v = metric[MONITOR_FIELD[monitor]];
  return v !== null && Number.isFinite(v) ? v : null;
}
