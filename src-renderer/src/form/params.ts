/**
 * What the form shows for each hyperparameter: label, kind of value, choices, a placeholder and help. The
 * labels, choices, limits and CNN defaults come from the contract; only the wording of the help is here.
 */
import {
  CNN_ONLY_PARAMS, CNN_PARAM_DEFAULTS, FIELD_LIMITS, INTEGER_PARAMS, OPTIMIZERS, PARAM_LABELS, PARAM_ORDER, POOLINGS, SCHEDULES,
  formatParamScalar, type NumberLimits, type ParamName,
} from '../contract';

// One home for labels (contract/param-labels.ts); re-exported for the views that name fields.
export { paramLabel, shortParamLabel } from '../contract';

export type ParamKind = 'number' | 'integer' | 'choice';

export interface ParamMeta {
  name: ParamName;
  label: string;
  kind: ParamKind;
  choices?: readonly string[];
  cnnOnly: boolean;
  /** What to type, shown as the placeholder. */
  example: string;
  help: string;
}

const CHOICES: Partial<Record<ParamName, readonly string[]>> = {
  optimizer: OPTIMIZERS,
  schedule: SCHEDULES,
  pooling: POOLINGS,
};

/** Syntax examples and what each field means; CNN-only fields say what blank means instead. */
const TEXTS: Record<ParamName, [example: string, help: string]> = {
  learningRate: ['1e-4 .. 1e-1 × 4 log', 'Step size of each update.'],
  batchSize: ['16, 64, 256', 'Samples per update; iterations per epoch = ceil(N / B).'],
  epochs: ['10', 'Full passes over the training set.'],
  optimizer: ['adam, sgd', OPTIMIZERS.join(' · ')],
  schedule: ['constant', SCHEDULES.join(' · ')],
  weightDecay: ['0, 1e-4', 'L2 penalty.'],
  seed: ['1, 2, 3', 'One trial per seed: repeats for mean ± std.'],
  filters: ['8', 'Filters of the first conv block.'],
  kernelSize: ['3, 5', 'Small kernels keep detail, large ones see context.'],
  pooling: ['max, avg', POOLINGS.join(' · ')],
  poolSize: ['2', 'Pooling window.'],
};

/** "0 to 1", "more than 0, at most 1000000", "1 to 10000 (whole)" — read from the schema. */
export function describeLimits(limits: NumberLimits): string {
  const { min, max, minExclusive, integer } = limits;
  const whole = integer ? ' (whole numbers)' : '';
  if (min !== null && max !== null) return minExclusive ? `more than ${formatParamScalar(min)}, at most ${formatParamScalar(max)}${whole}` : `${formatParamScalar(min)} to ${formatParamScalar(max)}${whole}`;
  if (min !== null) return `${minExclusive ? 'more than' : 'at least'} ${formatParamScalar(min)}${whole}`;
  if (max !== null) return `at most ${formatParamScalar(max)}${whole}`;
  return integer ? 'whole numbers' : '';
}

export const PARAMS: readonly ParamMeta[] = PARAM_ORDER.map((name) => {
  const [example, help] = TEXTS[name];
  const choices = CHOICES[name];
  const cnnOnly = (CNN_ONLY_PARAMS as readonly string[]).includes(name);
  const limits = FIELD_LIMITS[`params.${name}`];
  const fallback = cnnOnly ? ` Blank: ${CNN_PARAM_DEFAULTS[name as keyof typeof CNN_PARAM_DEFAULTS]}.` : '';
  return {
    name,
    label: PARAM_LABELS[name].label,
    kind: choices ? 'choice' : INTEGER_PARAMS.has(name) ? 'integer' : 'number',
    ...(choices ? { choices } : {}),
    cnnOnly,
    // A blank CNN field trains with the default the preview shows, so the placeholder names that value.
    example: cnnOnly ? `blank = ${CNN_PARAM_DEFAULTS[name as keyof typeof CNN_PARAM_DEFAULTS]}` : example,
    help: `${help}${limits ? ` ${capitalize(describeLimits(limits))}.` : ''}${fallback}`,
  };
});

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function paramMeta(name: ParamName): ParamMeta {
  const meta = PARAMS.find((p) => p.name === name);
  if (!meta) throw new Error(`unknown parameter ${name}`);
  return meta;
}
