/**
 * The experiment spec: the one JSON shape that the CLI reads from a file, the UI form edits, and the
 * services validate. Every hyperparameter takes one value, a list, or a range; the search method decides
 * how those become trials (see engine/search).
 */
import { z } from 'zod';
import { analysisSchema, type AnalysisSpec } from './analysis';
import {
  RANGE_SCALES, countCombinations, countFieldValues, isRange, missingStepsMessage, rangeProblems, repeatedValuesProblem, type ParamValue,
} from './param-values';

export const MAX_TRIALS = 5000;
export const MAX_EPOCHS = 10_000;
export const MAX_BATCH_SIZE = 1 << 20;
export const MAX_LIST_LENGTH = 1000;
export const MAX_SEED = 2 ** 31 - 1;

export const OPTIMIZERS = ['sgd', 'momentum', 'rmsprop', 'adam', 'adagrad', 'adadelta', 'adamax'] as const;
export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine', 'warmup'] as const;
export const POOLINGS = ['max', 'avg', 'none'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'] as const;
export const MONITORS = ['val_loss', 'val_accuracy', 'train_loss', 'train_accuracy'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];
export type Schedule = (typeof SCHEDULES)[number];
export type Pooling = (typeof POOLINGS)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type Monitor = (typeof MONITORS)[number];

/**
 * A range of numbers (see param-values.ts): its ends obey the field's own limits, and the range rules
 * (log ranges above 0, no more whole-number steps than whole numbers) apply on top.
 */
function rangeOf(item: z.ZodNumber, integer: boolean) {
  return z
    .strictObject({
      from: item,
      to: item,
      steps: z.number().int('steps must be a whole number').min(1, 'steps must be at least 1').max(MAX_LIST_LENGTH, `at most ${MAX_LIST_LENGTH} steps`).optional(),
      scale: z.enum(RANGE_SCALES, { error: () => 'scale must be "linear" or "log"' }).default('linear'),
    })
    .superRefine((range, ctx) => {
      for (const problem of rangeProblems(range, integer)) {
        ctx.addIssue({ code: 'custom', message: problem.message, path: problem.part ? [problem.part] : [] });
      }
    });
}

function refuseRepeats(list: readonly unknown[], ctx: z.RefinementCtx): void {
  const problem = repeatedValuesProblem(list);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

function numericParam(item: z.ZodNumber, integer = false) {
  return z.union([
    item,
    z
      .array(item)
      .min(1, 'give at least one value')
      .max(MAX_LIST_LENGTH, `at most ${MAX_LIST_LENGTH} values`)
      .superRefine(refuseRepeats),
    rangeOf(item, integer),
  ]);
}
function choiceParam<T extends readonly [string, ...string[]]>(values: T) {
  const item = z.enum(values, { error: () => `must be one of: ${values.join(', ')}` });
  return z.union([
    item,
    z
      .array(item)
      .min(1, 'give at least one value')
      .max(values.length, `at most ${values.length} values`)
      .superRefine(refuseRepeats),
  ]);
}

const positiveNumber = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a finite number` })
    .gt(0, `${what} must be greater than 0`)
    .max(max, `${what} must be at most ${max}`);
const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(min, min === 1 ? `${what} must be at least 1` : `${what} must be ${min} or more`)
    .max(max, `${what} must be at most ${max}`);
const positiveInt = (what: string, max: number) => wholeNumber(what, 1, max);
/** A whole-number hyperparameter: value, list or range of whole numbers (list its name in INTEGER_PARAMS). */
const wholeParam = (what: string, min: number, max: number) => numericParam(wholeNumber(what, min, max), true);

export const paramsSchema = z.strictObject({
  learningRate: numericParam(positiveNumber('learning rate', 1e6)).default(0.01),
  batchSize: wholeParam('batch size', 1, MAX_BATCH_SIZE).default(32),
  epochs: wholeParam('epochs', 1, MAX_EPOCHS).default(5),
  optimizer: choiceParam(OPTIMIZERS).default('adam'),
  schedule: choiceParam(SCHEDULES).default('constant'),
  weightDecay: numericParam(
    z.number({ error: 'weight decay must be a finite number' }).min(0, 'weight decay must be 0 or more').max(1, 'weight decay must be at most 1'),
  ).default(0),
  seed: wholeParam('seed', 0, MAX_SEED).default(1),
  // CNN only.
  filters: wholeParam('filters', 1, 1024).optional(),
  kernelSize: wholeParam('kernel size', 1, 15).optional(),
  pooling: choiceParam(POOLINGS).optional(),
  poolSize: wholeParam('pool size', 1, 8).optional(),
});
export type ParamsSpec = z.infer<typeof paramsSchema>;
export type ParamName = keyof ParamsSpec;
export const CNN_ONLY_PARAMS = ['filters', 'kernelSize', 'pooling', 'poolSize'] as const satisfies readonly ParamName[];
export const INTEGER_PARAMS = new Set<ParamName>(['batchSize', 'epochs', 'seed', 'filters', 'kernelSize', 'poolSize']);
export const PARAM_ORDER: readonly ParamName[] = [
  'learningRate', 'batchSize', 'epochs', 'optimizer', 'schedule', 'weightDecay',
  'filters', 'kernelSize', 'pooling', 'poolSize', 'seed',
];

export const mlpModelSchema = z.strictObject({
  template: z.literal('mlp'),
  hidden: z.array(positiveInt('units', 4096)).max(8, 'at most 8 hidden layers').default([128]),
  activation: z.enum(ACTIVATIONS).default('relu'),
  dropout: z.number().min(0).max(0.9, 'dropout must be at most 0.9').default(0),
});
export const cnnModelSchema = z.strictObject({
  template: z.literal('cnn'),
  convBlocks: positiveInt('conv blocks', 4).default(2),
  /** Each block has `filters × filterGrowth^block` filters (8 → 16 → 32 with growth 2). */
  filterGrowth: z.number().int().min(1).max(4).default(2),
  stride: positiveInt('stride', 4).default(1),
  padding: z.enum(['same', 'valid']).default('same'),
  batchNorm: z.boolean().default(false),
  activation: z.enum(ACTIVATIONS).default('relu'),
  dense: z.array(positiveInt('units', 4096)).max(4).default([64]),
  dropout: z.number().min(0).max(0.9, 'dropout must be at most 0.9').default(0),
});
export const modelSchema = z.discriminatedUnion('template', [mlpModelSchema, cnnModelSchema], {
  error: () => 'template must be "mlp" or "cnn"',
});
export type MlpModel = z.infer<typeof mlpModelSchema>;
export type CnnModel = z.infer<typeof cnnModelSchema>;
export type ModelSpec = z.infer<typeof modelSchema>;

export const datasetRefSchema = z.strictObject({
  /** A built-in id (`mnist-10k`, `spiral`, `moons`, `circles`, `xor`, `gaussians`, `iris`) or an imported dataset's id. */
  id: z.string().min(1, 'choose a dataset').max(200),
  /** Synthetic sets only: number of points, noise level, generator seed, number of classes. */
  size: positiveInt('dataset size', 1_000_000).optional(),
  noise: z.number().min(0).max(10).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  classes: z.number().int().min(2).max(20).optional(),
  /** Limit to the first `limit` rows (handy for quick trials on a big dataset). */
  limit: positiveInt('limit', 100_000_000).optional(),
});
export type DatasetRef = z.infer<typeof datasetRefSchema>;

export const validationSchema = z.union([
  z.strictObject({
    split: z.number().min(0, 'validation split must be between 0 and 0.9').max(0.9, 'validation split must be between 0 and 0.9'),
    /** Seed of the stratified split; fixed per experiment so that every trial sees the same rows. */
    seed: z.number().int().min(0).default(0),
  }),
  z.strictObject({ dataset: datasetRefSchema }),
]);
export type ValidationSpec = z.infer<typeof validationSchema>;

export const earlyStoppingSchema = z.strictObject({
  monitor: z.enum(MONITORS).default('val_loss'),
  patience: positiveInt('patience', 10_000).default(3),
  minDelta: z.number().min(0).default(0),
  restoreBest: z.boolean().default(true),
});
export const plateauSchema = z.strictObject({
  /** End the run when training loss has not improved by `minDelta` (relative) for `patience` epochs. */
  patience: positiveInt('patience', 10_000).default(5),
  minDelta: z.number().min(0).default(1e-4),
});
export type EarlyStoppingSpec = z.infer<typeof earlyStoppingSchema>;
export type PlateauSpec = z.infer<typeof plateauSchema>;

export const scheduleOptionsSchema = z.strictObject({
  /** step: multiply by `gamma` every `stepEpochs` epochs. */
  stepEpochs: positiveInt('step epochs', MAX_EPOCHS).default(5),
  gamma: z.number().gt(0).max(1).default(0.5),
  /** exponential: lr × decayRate^(epoch progress). */
  decayRate: z.number().gt(0).max(1).default(0.9),
  /** warmup: linear from 0 to lr over `warmupEpochs`, constant after. */
  warmupEpochs: z.number().gt(0).max(MAX_EPOCHS).default(1),
  /** cosine: anneal to lr × minFactor by the last iteration. */
  minFactor: z.number().min(0).max(1).default(0),
});
export type ScheduleOptions = z.infer<typeof scheduleOptionsSchema>;

/**
 * When a run counts as diverged besides a non-finite loss (always) or non-finite weights (checked after each
 * epoch, before anything is evaluated or saved): its smoothed loss stays above `lossFactor` × its reference loss
 * for `patience` consecutive steps, or for a whole epoch when epochs are shorter. The smoothing is the
 * debiased EMA the charts draw (weight `smoothing`); the reference is the first step's loss, or chance level
 * ln(classes) when that is higher. The defaults never fire on the examples, even at learning rates 10–30× too
 * high with loss spikes in the first steps; losses that grow 100× and stay there do. `lossFactor: null`
 * keeps only the non-finite checks.
 */
export const divergenceSchema = z.strictObject({
  lossFactor: z
    .number({ error: 'loss factor must be a number greater than 1, or null' })
    .gt(1, 'loss factor must be greater than 1')
    .max(1e30, 'loss factor must be at most 1e30')
    .nullable()
    .default(100),
  patience: positiveInt('patience', 1_000_000).default(20),
  smoothing: z
    .number({ error: 'smoothing must be a number from 0 to 0.999' })
    .min(0, 'smoothing must be from 0 to 0.999')
    .max(0.999, 'smoothing must be from 0 to 0.999')
    .default(0.9),
});
export type DivergenceSpec = z.infer<typeof divergenceSchema>;
export const DEFAULT_DIVERGENCE: DivergenceSpec = divergenceSchema.parse({});

export const trainingSchema = z.strictObject({
  dropLastBatch: z.boolean().default(false),
  shuffle: z.boolean().default(true),
  earlyStopping: earlyStoppingSchema.optional(),
  plateau: plateauSchema.optional(),
  scheduleOptions: scheduleOptionsSchema.default(() => scheduleOptionsSchema.parse({})),
  checkpoints: z.enum(['best-and-last', 'none']).default('best-and-last'),
  divergence: divergenceSchema.default(() => divergenceSchema.parse({})),
});
export type TrainingSpec = z.infer<typeof trainingSchema>;

export const searchSchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({ method: z.literal('grid') }),
    z.strictObject({
      method: z.literal('random'),
      trials: positiveInt('trials', MAX_TRIALS),
      seed: wholeNumber('search seed', 0, MAX_SEED).default(0),
    }),
    z.strictObject({
      method: z.literal('tpe'),
      /** Configurations to try; each is trained once per seed (a list of seeds means repeats). */
      trials: positiveInt('trials', MAX_TRIALS),
      seed: wholeNumber('search seed', 0, MAX_SEED).default(0),
      /** Random configurations before the model takes over (Optuna's n_startup_trials). */
      startupTrials: wholeNumber('start-up trials', 0, MAX_TRIALS).default(10),
      /** Candidates drawn from the good density per proposal (Optuna's n_ei_candidates). */
      candidates: positiveInt('candidates', 1000).default(24),
      /** One joint density over all hyperparameters (Optuna's multivariate=True; it beat random search more often
       * in our benchmark), or one per hyperparameter (Optuna's default, multivariate=False). */
      multivariate: z.boolean().default(true),
    }),
  ],
  { error: () => 'method must be "grid", "random" or "tpe"' },
);
export type SearchSpec = z.infer<typeof searchSchema>;

export const DIRECTIONS = ['minimize', 'maximize'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * What a study optimises: the best value of `monitor` over a run's epochs. Without a monitor, validation
 * loss (training loss when there is no validation set); without a direction, losses are minimised and
 * accuracies maximised.
 */
export const objectiveSchema = z.strictObject({
  monitor: z.enum(MONITORS, { error: () => `monitor must be one of: ${MONITORS.join(', ')}` }).optional(),
  direction: z.enum(DIRECTIONS, { error: () => 'direction must be "minimize" or "maximize"' }).optional(),
});
export type ObjectiveSpec = z.infer<typeof objectiveSchema>;
export interface Objective {
  monitor: Monitor;
  direction: Direction;
}
/** The objective with everything filled in; specs stored before objectives existed get the defaults. */
export function resolveObjective(spec: { objective?: ObjectiveSpec; validation: ValidationSpec }): Objective {
  const hasValidation = !('split' in spec.validation) || spec.validation.split > 0;
  const monitor = spec.objective?.monitor ?? (hasValidation ? 'val_loss' : 'train_loss');
  return { monitor, direction: spec.objective?.direction ?? (monitor.endsWith('accuracy') ? 'maximize' : 'minimize') };
}

/** A spec read back from the store: ones saved before objectives and pruning existed get their defaults. */
export function withStoredDefaults(spec: ExperimentSpec): ExperimentSpec {
  return { ...spec, objective: spec.objective ?? {}, pruning: spec.pruning ?? { method: 'none' } };
}

/**
 * Stopping hopeless trials early, decided after each epoch from the other trials' values of the objective's
 * monitor. `median`: Optuna's MedianPruner; `asha`: asynchronous successive halving (Optuna's
 * SuccessiveHalvingPruner) with rungs at minEpochs × reductionFactor^(minEarlyStoppingRate + k) epochs.
 */
export const pruningSchema = z.discriminatedUnion(
  'method',
  [
    z.strictObject({ method: z.literal('none') }),
    z.strictObject({
      method: z.literal('median'),
      /** Trials that must finish before any is pruned. */
      startupTrials: wholeNumber('start-up trials', 0, MAX_TRIALS).default(5),
      /** A trial is never pruned in its first `warmupEpochs` epochs. */
      warmupEpochs: wholeNumber('warm-up epochs', 0, MAX_EPOCHS).default(0),
      /** Check every `intervalEpochs` epochs after the warm-up. */
      intervalEpochs: positiveInt('interval epochs', MAX_EPOCHS).default(1),
    }),
    z.strictObject({
      method: z.literal('asha'),
      /** Epochs before the first rung: no trial is pruned earlier. */
      minEpochs: positiveInt('min epochs', MAX_EPOCHS).default(1),
      reductionFactor: wholeNumber('reduction factor', 2, 100).default(3),
      minEarlyStoppingRate: wholeNumber('min early-stopping rate', 0, 20).default(0),
    }),
  ],
  { error: () => 'pruning method must be "none", "median" or "asha"' },
);
export type PruningSpec = z.infer<typeof pruningSchema>;

export const experimentSpecSchema = z.strictObject({
  name: z.string().trim().min(1, 'give the experiment a name').max(200, 'name is too long (200 characters at most)'),
  notes: z.string().max(10_000).default(''),
  dataset: datasetRefSchema,
  validation: validationSchema.default({ split: 0.2, seed: 0 }),
  model: modelSchema,
  search: searchSchema.default({ method: 'grid' }),
  objective: objectiveSchema.default({}),
  pruning: pruningSchema.default({ method: 'none' }),
  params: paramsSchema.default(() => paramsSchema.parse({})),
  training: trainingSchema.default(() => trainingSchema.parse({})),
  /** Gradient noise scale, sharpness, the LR range test run type (contract/analysis.ts). */
  analysis: analysisSchema.default(() => analysisSchema.parse({})),
}).superRefine((spec, ctx) => {
  // Counted from the fields' sizes, never expanded: a 10^6-trial spec is refused in microseconds.
  for (const issue of searchSpaceIssues(spec.params, spec.search)) ctx.addIssue({ code: 'custom', ...issue });
});
/** The spec as written in a file (defaults optional). */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
/** The spec after validation, with every default filled in. */
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;

/** One resolved point of the search space: every hyperparameter has exactly one value. */
export interface TrialParams {
  learningRate: number;
  batchSize: number;
  epochs: number;
  optimizer: Optimizer;
  schedule: Schedule;
  weightDecay: number;
  seed: number;
  filters?: number;
  kernelSize?: number;
  pooling?: Pooling;
  poolSize?: number;
}

/** Everything a worker needs to train one trial, independent of where it is stored. */
export interface TrialConfig {
  params: TrialParams;
  model: ModelSpec;
  dataset: DatasetRef;
  validation: ValidationSpec;
  training: TrainingSpec;
  /** Absent in runs stored before the analysis section existed: plain training. */
  analysis?: AnalysisSpec;
}

/**
 * The number of trials a spec asks for, counted from its fields' sizes without expanding anything: the
 * grid's product of value counts, or random search's and TPE's trials × seeds. Random search can give fewer
 * (a sample drawn twice trains once), TPE too (a finite space used up); a grid gives exactly this many.
 */
export function trialCountOf(params: ParamsSpec, search: SearchSpec): number {
  if (search.method !== 'grid') return search.trials * seedCountOf(params);
  return countCombinations(PARAM_ORDER.flatMap((name) => {
    const value = params[name] as ParamValue | undefined;
    return value === undefined ? [] : [countFieldValues(value, INTEGER_PARAMS.has(name))];
  }));
}

function seedCountOf(params: ParamsSpec): number {
  return countFieldValues(params.seed as ParamValue, true);
}

/** Ranges a grid cannot enumerate, and a search space over the trial limit; each at the field to change. */
function searchSpaceIssues(params: ParamsSpec, search: SearchSpec): Array<{ path: PropertyKey[]; message: string }> {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  // Seeds are repeats, crossed with every sample of random search and every TPE proposal too: they always need fixed values.
  const enumerated = search.method === 'grid' ? PARAM_ORDER : (['seed'] as const);
  for (const name of enumerated) {
    const value = params[name];
    if (isRange(value) && value.steps === undefined) issues.push({ path: ['params', name, 'steps'], message: missingStepsMessage(value) });
  }
  if (issues.length) return issues;
  const count = trialCountOf(params, search);
  if (count <= MAX_TRIALS) return issues;
  const total = count.toLocaleString('en-US');
  issues.push(
    search.method === 'grid'
      ? { path: ['params'], message: `this grid has ${total} trials; the limit is ${MAX_TRIALS} — use fewer values or random search` }
      : { path: ['search', 'trials'], message: `${search.trials} trials × ${seedCountOf(params)} seeds is ${total} trials; the limit is ${MAX_TRIALS}` },
  );
  return issues;
}
