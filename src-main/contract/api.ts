/**
 * The API: one interface, implemented by the services, called through IPC (desktop), HTTP (serve mode)
 * and directly (CLI). Every method takes at most one plain-object argument, validated against the schema
 * in `apiInputSchemas` at each front door before the service runs.
 */
import { z } from 'zod';
import { inputBoundsIssue } from './input-bounds';
import { experimentSpecSchema, PARAM_ORDER, type ParamName } from './spec';
import type { ExperimentAnalysis, RunAnalysis } from './analysis';
import { ITERATION_SERIES } from './records';
import type { EpochlabEvent } from './events';
import type {
  DatasetInfo, ExperimentDetail, ExperimentPreview, ExperimentSummary, ExportFile, RunDetail,
  EpochMetric, SeriesPoint, SystemInfo,
} from './records';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const runIds = z.array(id).min(1).max(1000);
/** How runs are grouped for seed statistics: by one hyperparameter, or by everything but the seed. */
export const ANALYSIS_GROUP_BY = ['config', ...PARAM_ORDER] as [ 'config', ...ParamName[] ];

export const apiInputSchemas = {
  getSystemInfo: z.strictObject({}),
  listDatasets: z.strictObject({}),
  previewExperiment: z.strictObject({ spec: experimentSpecSchema }),
  createExperiment: z.strictObject({ spec: experimentSpecSchema }),
  listExperiments: z.strictObject({}),
  getExperiment: z.strictObject({ experimentId: id }),
  cancelExperiment: z.strictObject({ experimentId: id }),
  /**
   * Trains what an experiment has left: queued runs; interrupted or cancelled ones from their last resume
   * point that agrees with the database (else from scratch, with a note saying why); runs that failed for a
   * full disk, the same way.
   */
  resumeExperiment: z.strictObject({ experimentId: id }),
  deleteExperiment: z.strictObject({ experimentId: id }),
  getRun: z.strictObject({ runId: id }),
  cancelRun: z.strictObject({ runId: id }),
  getEpochMetrics: z.strictObject({ runIds }),
  getIterationSeries: z.strictObject({
    runIds,
    series: z.enum(ITERATION_SERIES).default('loss'),
    maxPoints: z.number().int().min(10).max(100_000).default(2000),
  }),
  exportExperiment: z.strictObject({ experimentId: id, format: z.enum(['csv', 'json']) }),
  /** Noise scale per epoch, sharpness, LR range test of one run. */
  getRunAnalysis: z.strictObject({ runId: id }),
  /**
   * Across an experiment's runs (all, or `runIds`): critical batch size, sharpness vs batch size, seed
   * statistics between the groups `groupBy` makes (`config`: runs that differ only in seed), LR scaling hint.
   */
  getExperimentAnalysis: z.strictObject({
    experimentId: id,
    runIds: runIds.optional(),
    groupBy: z.enum(ANALYSIS_GROUP_BY, { error: () => `groupBy must be one of: ${ANALYSIS_GROUP_BY.join(', ')}` }).default('config'),
  }),
} as const;

export type ApiMethod = keyof typeof apiInputSchemas;
export type ApiInput<M extends ApiMethod> = z.infer<(typeof apiInputSchemas)[M]>;
/** What a caller may send: defaults in the schema are optional. */
export type ApiRawInput<M extends ApiMethod> = z.input<(typeof apiInputSchemas)[M]>;

export interface ApiOutputs {
  getSystemInfo: SystemInfo;
  listDatasets: DatasetInfo[];
  previewExperiment: ExperimentPreview;
  /** The new experiment, with the preview's warnings (batch size above N, …) so every front door can show them. */
  createExperiment: ExperimentSummary & { warnings: string[] };
  listExperiments: ExperimentSummary[];
  getExperiment: ExperimentDetail;
  cancelExperiment: { cancelled: number };
  /** `notes`: what the user should know about how runs were queued (a resume point discarded, and why). */
  resumeExperiment: { queued: number; notes: string[] };
  deleteExperiment: { deleted: boolean };
  getRun: RunDetail;
  cancelRun: { cancelled: boolean };
  getEpochMetrics: Record<number, EpochMetric[]>;
  getIterationSeries: Record<number, SeriesPoint[]>;
  exportExperiment: ExportFile;
  getRunAnalysis: RunAnalysis;
  getExperimentAnalysis: ExperimentAnalysis;
}

/** The service interface every front door calls. */
export type EpochlabApi = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> };

/** The structured error every front door returns. `issues` maps a field path to its message. */
export interface ApiErrorBody {
  error: { code: 'invalid' | 'not-found' | 'conflict' | 'failed'; message: string; issues?: FieldIssue[] };
}
export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorBody['error']['code'],
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues.length ? { issues: this.issues } : {}) } };
  }
}

/** Zod issues as "path: message" pairs, the form the UI shows next to each field. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const { path, message } = specific(issue);
    return { path: path.map(String).join('.') || '(root)', message };
  });
}

type AnyIssue = z.core.$ZodIssue;
const MAX_KEYS_NAMED = 10;

/**
 * A union (a value, a list or a range) that fails reports "Invalid input" with one issue list per branch.
 * The useful message is the one from the branch that accepted the input's type and failed inside it
 * ("batch size must be a whole number" at `from` for {from: 2.5}), so that is the one we show; when no
 * branch got that far, the first branch's type message.
 */
function specific(issue: AnyIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const wrongType = (i: AnyIssue) => i.code === 'invalid_type' && i.path.length === 0;
    const entered = issue.errors.find((branch) => branch.length > 0 && !branch.every(wrongType));
    const best = entered?.find((i) => !wrongType(i)) ?? issue.errors.flat().find(wrongType);
    if (best) {
      const inner = specific(best);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  if (issue.code === 'unrecognized_keys') {
    const shown = issue.keys.slice(0, MAX_KEYS_NAMED).join(', ');
    const more = issue.keys.length > MAX_KEYS_NAMED ? ` and ${issue.keys.length - MAX_KEYS_NAMED} more` : '';
    return { path: issue.path, message: `unknown key${issue.keys.length > 1 ? 's' : ''}: ${shown}${more}` };
  }
  return { path: issue.path, message: issue.message };
}

/** Validate a method's input; throws `ApiError('invalid')` with one message per field. */
export function parseApiInput<M extends ApiMethod>(method: M, raw: unknown): ApiInput<M> {
  const oversize = inputBoundsIssue(raw);
  if (oversize) throw new ApiError('invalid', `invalid input for ${method}: ${oversize.path}: ${oversize.message}`, [oversize]);
  const schema = apiInputSchemas[method];
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = fieldIssues(result.error);
    throw new ApiError('invalid', `invalid input for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data as ApiInput<M>;
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputSchemas, name);
}

/**
 * Where an imported dataset comes from. Paths are only ever chosen in an OS dialog (desktop) or named on
 * the command line (CLI/serve): this type is never accepted from a renderer or an HTTP client.
 */
export type DatasetImportFormat = 'idx' | 'csv' | 'npy';
export type DatasetImportSource =
  | { format: 'idx'; name: string; images: string; labels: string }
  | { format: 'csv'; name: string; path: string; labelColumn?: string | number; header?: boolean }
  | { format: 'npy'; name: string; x: string; y: string };

export type EventListener = (event: EpochlabEvent) => void;

/** What the front doors (app, server, CLI) get from the services layer. */
export interface EpochlabServices {
  api: EpochlabApi;
  /** Live events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Trusted callers only (OS dialog, command line). */
  importDataset(source: DatasetImportSource): Promise<DatasetInfo>;
  /** Cancels running trials (they end `cancelled`), waits for workers to exit, closes the store. */
  close(): Promise<void>;
}
