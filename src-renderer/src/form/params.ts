/** What the form needs to know about each hyperparameter: label, kind of value, choices. */
import { OPTIMIZERS, POOLINGS, SCHEDULES, INTEGER_PARAMS, PARAM_ORDER, CNN_ONLY_PARAMS, type ParamName } from '../contract';

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

const LABELS: Record<ParamName, [label: string, example: string, help: string]> = {
  learningRate: ['Learning rate', '1e-4 .. 1e-1 × 4 log', 'Step size of each update.'],
  batchSize: ['Batch size', '16, 64, 256', 'Samples per update; iterations per epoch = ceil(N / B).'],
  epochs: ['Epochs', '10', 'Full passes over the training set.'],
  optimizer: ['Optimizer', 'adam, sgd', OPTIMIZERS.join(' · ')],
  schedule: ['LR schedule', 'constant', SCHEDULES.join(' · ')],
  weightDecay: ['Weight decay', '0, 1e-4', 'L2 penalty, 0 to 1.'],
  seed: ['Seeds (repeats)', '1, 2, 3', 'One trial per seed: repeats for mean ± std.'],
  filters: ['Filters', '8', 'Filters of the first conv block (blank: 8).'],
  kernelSize: ['Kernel size', '3, 5', 'Small kernels keep detail, large ones see context (blank: 3).'],
  pooling: ['Pooling', 'max, avg', `${POOLINGS.join(' · ')} (blank: max)`],
  poolSize: ['Pool size', '2', 'Blank: 2.'],
};

export const PARAMS: readonly ParamMeta[] = PARAM_ORDER.map((name) => {
  const [label, example, help] = LABELS[name];
  const choices = CHOICES[name];
  return {
    name,
    label,
    kind: choices ? 'choice' : INTEGER_PARAMS.has(name) ? 'integer' : 'number',
    ...(choices ? { choices } : {}),
    cnnOnly: (CNN_ONLY_PARAMS as readonly string[]).includes(name),
    example,
    help,
  };
});

export function paramMeta(name: ParamName): ParamMeta {
  const meta = PARAMS.find((p) => p.name === name);
  if (!meta) throw new Error(`unknown parameter ${name}`);
  return meta;
}

export function paramLabel(name: string): string {
  return PARAMS.find((p) => p.name === name)?.label ?? name;
}

/** Short names for legends and run labels, where space is tight. */
const SHORT: Record<ParamName, string> = {
  learningRate: 'lr', batchSize: 'bs', epochs: 'epochs', optimizer: 'opt', schedule: 'sched', weightDecay: 'wd',
  seed: 'seed', filters: 'filters', kernelSize: 'kernel', pooling: 'pool', poolSize: 'pool size',
};
export function shortParamLabel(name: ParamName): string {
  return SHORT[name];
}
