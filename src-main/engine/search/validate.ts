/**
 * Spec validation beyond the field schemas: rules that look at several fields at once. Each problem is a
 * FieldIssue at the field the user must change; all of them are reported together.
 */
import {
  CNN_ONLY_PARAMS, experimentSpecSchema, fieldIssues,
  type ExperimentSpec, type FieldIssue, type ParamName, type ParamValue, ApiError,
} from '../../contract';
import { analysisIssues } from '../analysis/validate';
import { searchSpaceOf } from './space';

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

/**
 * Cross-field rules on an already schema-valid spec. Range rules and the trial limit are the schema's own
 * (contract/spec.ts), so they hold at every front door before anything is expanded.
 */
export function specIssues(spec: ExperimentSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const params = spec.params as Record<ParamName, ParamValue | undefined>;
  if (spec.model.template === 'mlp') {
    for (const name of CNN_ONLY_PARAMS) {
      if (params[name] !== undefined) issues.push({ path: `params.${name}`, message: `${name} only applies to the CNN template` });
    }
  }
  if (spec.search.method === 'tpe' && searchSpaceOf(spec).dims.length === 0) {
    issues.push({ path: 'params', message: 'TPE needs at least one hyperparameter (other than the seed) with a list or a range to search' });
  }
  const es = spec.training.earlyStopping;
  const noValidation = 'split' in spec.validation && spec.validation.split === 0;
  if (es && noValidation && es.monitor.startsWith('val_')) {
    issues.push({ path: 'training.earlyStopping.monitor', message: `${es.monitor} needs a validation set; set validation.split above 0 or monitor train_loss` });
  }
  const monitor = spec.objective?.monitor;
  if (monitor && noValidation && monitor.startsWith('val_')) {
    issues.push({ path: 'objective.monitor', message: `${monitor} needs a validation set; set validation.split above 0 or use train_loss` });
  }
  issues.push(...analysisIssues(spec));
  return issues;
}

