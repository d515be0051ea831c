/** Cross-field rules of the analysis section (called from engine/search/validate.ts). */
import { countFieldValues, fieldValues, isRange, lrRangeSettings, type ExperimentSpec, type FieldIssue, type ParamValue } from '../../contract';

/** The smallest number a field can take (a range's lower end, even one random search samples). */
function smallest(value: ParamValue): number {
  if (isRange(value)) return Math.min(value.from, value.to);
  if (Array.isArray(value)) return Math.min(...value.map(Number));
  return Number(value);
}

export function analysisIssues(spec: ExperimentSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const { analysis } = spec;
  if (analysis.noiseScale && smallest(spec.params.batchSize as ParamValue) < 2) {
    issues.push({ path: 'params.batchSize', message: 'the gradient noise scale splits each measured batch in two halves: use batch sizes of at least 2' });
  }
  if (analysis.runType !== 'lr-range-test') {
    if (analysis.lrRange) issues.push({ path: 'analysis.lrRange', message: 'LR range settings only apply when runType is "lr-range-test"' });
    return issues;
  }
  const range = lrRangeSettings(analysis);
  if (range.from >= range.to) issues.push({ path: 'analysis.lrRange.to', message: `the ramp must go up: "to" (${range.to}) must be greater than "from" (${range.from})` });
  if (countFieldValues(spec.params.learningRate as ParamValue, false) > 1) {
    issues.push({ path: 'params.learningRate', message: 'an LR range test sweeps the learning rate itself (analysis.lrRange from → to): give one value or none' });
  }
  if (countFieldValues(spec.params.epochs as ParamValue, true) > 1) {
    issues.push({ path: 'params.epochs', message: 'an LR range test runs analysis.lrRange.iterations steps, not epochs: give one value or none' });
  }
  if (fieldValues(spec.params.schedule as ParamValue, false).some((s) => s !== 'constant')) {
    issues.push({ path: 'params.schedule', message: 'an LR range test ramps the learning rate itself: leave the schedule constant' });
  }
  if (analysis.sharpness) issues.push({ path: 'analysis.sharpness', message: 'sharpness is measured at the end of training; an LR range test does not train to an end' });
  if (analysis.noiseScale) issues.push({ path: 'analysis.noiseScale', message: 'the noise scale is measured while training; an LR range test changes the learning rate at every step' });
  if (spec.training.earlyStopping) issues.push({ path: 'training.earlyStopping', message: 'an LR range test stops on its own rule (analysis.lrRange.stopFactor), not on early stopping' });
  if (spec.search.method === 'tpe') issues.push({ path: 'search.method', message: 'an LR range test has no objective for TPE to learn from: use grid or random search' });
  if (spec.pruning.method !== 'none') issues.push({ path: 'pruning.method', message: 'an LR range test stops on its own rule (analysis.lrRange.stopFactor): set pruning to none' });
  if (spec.training.plateau) issues.push({ path: 'training.plateau', message: 'an LR range test stops on its own rule (analysis.lrRange.stopFactor), not on a plateau' });
  return issues;
}

/** Warnings that do not block: settings that make an estimate biased or meaningless. */
export function analysisWarnings(spec: ExperimentSpec): string[] {
  const warnings: string[] = [];
  if (spec.analysis.noiseScale && !spec.training.shuffle) {
    warnings.push('the gradient noise scale assumes random batches; with shuffle off its estimate is biased');
  }
  return warnings;
}
