/**
 * Spec validation beyond the field schemas: rules that look at several fields at once. Each problem is a
 * FieldIssue at the field the user must change; all of them are reported together.
 */
import {
  CNN_ONLY_PARAMS, INTEGER_PARAMS, MAX_TRIALS, PARAM_ORDER, experimentSpecSchema, fieldIssues,
  type ExperimentSpec, type FieldIssue, type ParamName, ApiError,
} from '../../contract';
import { gridValues, isRange, type ParamValue } from './values';

/** Parses raw JSON into a spec, or throws ApiError('invalid') listing every field problem. */
export function parseSpec(raw: unknown): ExperimentSpec {
  const parsed = experimentSpecSchema.safeParse(raw);
  if (!parsed.success) throw invalid(fieldIssues(parsed.error));
  const issues = specIssues(parsed.data);
  if (issues.length) throw invalid(issues);
  return parsed.data;
}

function invalid(issues: FieldIssue[]): ApiError {
  return new ApiError('invalid', `the experiment spec is invalid:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues);
}

/** Cross-field rules on an already schema-valid spec. */
export function specIssues(spec: ExperimentSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const params = spec.params as Record<ParamName, ParamValue | undefined>;
  for (const name of PARAM_ORDER) {
    const value = params[name];
    if (value === undefined || !isRange(value)) continue;
    const path = `params.${name}`;
    if (value.scale === 'log' && (value.from <= 0 || value.to <= 0)) {
      issues.push({ path, message: 'a log range needs from and to greater than 0' });
    }
    if (INTEGER_PARAMS.has(name) && value.from !== value.to && value.steps > Math.abs(value.to - value.from) + 1) {
      issues.push({ path, message: `${value.steps} steps between ${value.from} and ${value.to} repeat whole numbers; use at most ${Math.abs(value.to - value.from) + 1}` });
    }
  }
  if (spec.model.template === 'mlp') {
    for (const name of CNN_ONLY_PARAMS) {
      if (params[name] !== undefined) issues.push({ path: `params.${name}`, message: `${name} only applies to the CNN template` });
    }
  }
  if (spec.search.method === 'grid') {
    const count = gridSize(spec);
    if (count > MAX_TRIALS) {
      issues.push({ path: 'params', message: `this grid has ${count.toLocaleString('en-US')} trials; the limit is ${MAX_TRIALS} — use fewer values or random search` });
    }
  }
  const es = spec.training.earlyStopping;
  const noValidation = 'split' in spec.validation && spec.validation.split === 0;
  if (es && noValidation && es.monitor.startsWith('val_')) {
    issues.push({ path: 'training.earlyStopping.monitor', message: `${es.monitor} needs a validation set; set validation.split above 0 or monitor train_loss` });
  }
  return issues;
}

/** Number of grid points, computed without expanding (a 10^6 grid must be refused cheaply). */
export function gridSize(spec: ExperimentSpec): number {
  const params = spec.params as Record<ParamName, ParamValue | undefined>;
  let count = 1;
  for (const name of PARAM_ORDER) {
    const value = params[name];
    if (value === undefined) continue;
    count *= gridValues(value, INTEGER_PARAMS.has(name)).length;
    if (count > Number.MAX_SAFE_INTEGER / 1e4) return Number.MAX_SAFE_INTEGER;
  }
  return count;
}
