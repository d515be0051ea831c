/**
 * The spec schema described for a form: every default, limit and choice read from the zod schemas in
 * spec.ts, so the UI never keeps a hand-made copy that can drift from what the services accept.
 */
import { z } from 'zod';
import {
  cnnModelSchema, earlyStoppingSchema, experimentSpecSchema, mlpModelSchema, paramsSchema, scheduleOptionsSchema,
  searchSchema, trainingSchema, validationSchema, type ParamName, type Pooling,
} from './spec';

/**
 * What a CNN trial uses for a CNN-only hyperparameter the spec leaves out. Read by the search (the trials
 * it previews), the model builder (what it trains) and the form (its placeholders), so all three agree.
 */
export const CNN_PARAM_DEFAULTS: Readonly<{ filters: number; kernelSize: number; pooling: Pooling; poolSize: number }> = {
  filters: 8,
  kernelSize: 3,
  pooling: 'max',
  poolSize: 2,
};

export interface NumberLimits {
  min: number | null;
  /** The minimum itself is not allowed (`> 0` rather than `≥ 0`). */
  minExclusive: boolean;
  max: number | null;
  integer: boolean;
}

interface JsonNumber {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  anyOf?: JsonNumber[];
}

/** Limits of a number schema, or of the single-value branch of a value | list | range hyperparameter. */
export function numberLimits(schema: z.ZodType): NumberLimits {
  let json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNumber;
  if (json.anyOf) json = json.anyOf[0];
  if (json.type !== 'number' && json.type !== 'integer') throw new TypeError('not a number schema');
  return {
    min: json.exclusiveMinimum ?? json.minimum ?? null,
    minExclusive: json.exclusiveMinimum !== undefined,
    max: json.maximum ?? null,
    integer: json.type === 'integer',
  };
}

const modelShape = { ...mlpModelSchema.shape, ...cnnModelSchema.shape };
const validationSplit = validationSchema.options[0].shape.split;
const randomSearch = searchSchema.options[1].shape;

/** Limits of every numeric field the form edits, by spec path. */
export const FIELD_LIMITS: Readonly<Record<string, NumberLimits>> = {
  'validation.split': numberLimits(validationSplit),
  'model.dropout': numberLimits(modelShape.dropout),
  'model.convBlocks': numberLimits(modelShape.convBlocks),
  'model.filterGrowth': numberLimits(modelShape.filterGrowth),
  'model.stride': numberLimits(modelShape.stride),
  'search.trials': numberLimits(randomSearch.trials),
  'search.seed': numberLimits(randomSearch.seed),
  'training.earlyStopping.patience': numberLimits(earlyStoppingSchema.shape.patience),
  'training.earlyStopping.minDelta': numberLimits(earlyStoppingSchema.shape.minDelta),
  ...Object.fromEntries(
    Object.entries(scheduleOptionsSchema.shape).map(([key, schema]) => [`training.scheduleOptions.${key}`, numberLimits(schema)]),
  ),
  ...Object.fromEntries(
    (['learningRate', 'batchSize', 'epochs', 'weightDecay', 'seed', 'filters', 'kernelSize', 'poolSize'] as const).map((name) => [
      `params.${name}`,
      numberLimits(paramsSchema.shape[name]),
    ]),
  ),
};

export function fieldLimits(path: string): NumberLimits {
  const limits = FIELD_LIMITS[path];
  if (!limits) throw new RangeError(`no limits described for ${path}`);
  return limits;
}

/** The schema's defaults, filled in by the schema itself. */
export const SPEC_DEFAULTS = {
  params: paramsSchema.parse({}),
  mlp: mlpModelSchema.parse({ template: 'mlp' }),
  cnn: cnnModelSchema.parse({ template: 'cnn' }),
  training: trainingSchema.parse({}),
  earlyStopping: earlyStoppingSchema.parse({}),
  scheduleOptions: scheduleOptionsSchema.parse({}),
  validation: experimentSpecSchema.shape.validation.parse(undefined) as { split: number; seed: number },
  search: experimentSpecSchema.shape.search.parse(undefined),
  notes: experimentSpecSchema.shape.notes.parse(undefined),
};

/** Hyperparameters the schema gives a default (the CNN-only ones take CNN_PARAM_DEFAULTS instead). */
export function paramDefault(name: ParamName): number | string | undefined {
  const value = (SPEC_DEFAULTS.params as Partial<Record<ParamName, unknown>>)[name];
  if (typeof value === 'number' || typeof value === 'string') return value;
  return (CNN_PARAM_DEFAULTS as Partial<Record<ParamName, number | string>>)[name];
}
