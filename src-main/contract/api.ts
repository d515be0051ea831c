/**
 * The API: one interface, implemented by the services, called through IPC (desktop), HTTP (serve mode)
 * and directly (CLI). Every method takes at most one plain-object argument. Whatever a front door passes on
 * is validated against `apiInputSchemas` exactly once, by the services' API object (services/api.ts), before
 * any service code runs; the code behind it is typed on the validated `ApiInput` and never parses again.
 */
import { z } from 'zod';
import { inputBoundsIssue } from './input-bounds';
import type { ExperimentAnalysis, RunAnalysis } from './analysis';
import { notesSchema, tagListSchema } from './annotations';
import { importUploadSchema, uploadIdSchema } from './dataset-formats';
import { RANGE_SCALES } from './param-values';
import { MAX_LIST_LENGTH, MAX_TRIALS, PARAM_ORDER, experimentSpecSchema, type ParamName } from './spec';
import { ITERATION_SERIES } from './records';
import type { DatasetImportSource, ImportProgress, ImportReport, UploadReceipt } from './dataset-formats';
import type { EpochlabEvent } from './events';
import type {
  DatasetInfo, ExperimentDetail, ExperimentPreview, ExperimentSummary, ExportFile, RunDetail,
  EpochMetric, OptimizationHistory, ParamImportance, RunsWithExperiments, SeriesPoint, SystemInfo,
} from './records';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const runIds = z.array(id).min(1).max(1000);
/** How runs are grouped for seed statistics: by one hyperparameter, or by everything but the seed. */
export const ANALYSIS_GROUP_BY = ['config', ...PARAM_ORDER] as [ 'config', ...ParamName[] ];
/** Tags to add and to remove in one call, so two editors never overwrite each other's whole list. */
const tagChange = { add: tagListSchema.default([]), remove: tagListSchema.default([]) };

/**
 * Values added to one grid field: one value, a list, or a range, as in the spec. Only their shape is checked
 * here; the grown spec is then validated whole, with each field's own limits.
 */
const addedValues = z.union([
  z.number(),
  z.string().max(100),
  z.array(z.union([z.number(), z.string().max(100)])).min(1, 'give at least one value').max(MAX_LIST_LENGTH),
  z.strictObject({
    from: z.number(),
    to: z.number(),
    steps: z.number().int().min(1).max(MAX_LIST_LENGTH).optional(),
    scale: z.enum(RANGE_SCALES).default('linear'),
  }),
]);
const addedParams = z
  .partialRecord(z.enum(PARAM_ORDER as [string, ...string[]], { error: () => `unknown hyperparameter; one of: ${PARAM_ORDER.join(', ')}` }), addedValues)
  .refine((r) => Object.keys(r).length > 0, 'name at least one hyperparameter');

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
  /** Run summaries by id, from any experiments (cross-experiment compare, reports). */
  getRuns: z.strictObject({ runIds }),
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
  /** Serve mode: imports the files a browser uploaded (by their upload ids, never paths), then discards them. */
  importUpload: importUploadSchema,
  /** Serve mode: drops an upload the user abandoned. */
  discardUpload: z.strictObject({ uploadId: uploadIdSchema }),
  /**
   * Grows a study: random and TPE get `trials` more configurations (continuing from what is stored), a grid
   * gets the values in `add` merged into its fields. Stored runs are never trained again.
   */
  extendExperiment: z.strictObject({
    experimentId: id,
    trials: z.number().int('trials must be a whole number').min(1, 'trials must be at least 1').max(MAX_TRIALS).optional(),
    add: addedParams.optional(),
  }),
  getOptimizationHistory: z.strictObject({ experimentId: id }),
  getParamImportance: z.strictObject({ experimentId: id }),
  tagRun: z.strictObject({ runId: id, ...tagChange }),
  tagExperiment: z.strictObject({ experimentId: id, ...tagChange }),
  setRunNotes: z.strictObject({ runId: id, notes: notesSchema }),
  setExperimentNotes: z.strictObject({ experimentId: id, notes: notesSchema }),
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
  getRuns: RunsWithExperiments;
  cancelRun: { cancelled: boolean };
  getEpochMetrics: Record<number, EpochMetric[]>;
  getIterationSeries: Record<number, SeriesPoint[]>;
  exportExperiment: ExportFile;
  getRunAnalysis: RunAnalysis;
  getExperimentAnalysis: ExperimentAnalysis;
  importUpload: ImportReport;
  discardUpload: { discarded: boolean };
  extendExperiment: { added: number; plannedTrials: number };
  getOptimizationHistory: OptimizationHistory;
  getParamImportance: ParamImportance;
  tagRun: { tags: string[] };
  tagExperiment: { tags: string[] };
  setRunNotes: { notes: string };
  setExperimentNotes: { notes: string };
}

/**
 * The service interface every front door calls. It takes what the caller sent (typed as the raw input for
 * callers that build it in code; untrusted callers pass anything) and validates it itself.
 */
export type EpochlabApi = { [M in ApiMethod]: (input: ApiRawInput<M>) => Promise<ApiOutputs[M]> };

/** `too-large`: an upload (or a chunk of one) over its limit. */
export const API_ERROR_CODES = ['invalid', 'not-found', 'conflict', 'too-large', 'failed'] as const;
/** The structured error every front door returns. `issues` maps a field path to its message. */
export interface ApiErrorBody {
  error: { code: (typeof API_ERROR_CODES)[number]; message: string; issues?: FieldIssue[] };
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

/**
 * Checks an untrusted input against a schema: its size and shape bounded first, then parsed. Throws
 * `ApiError('invalid')` with one issue per field, the message starting with `what`.
 */
export function parseUntrusted<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const oversize = inputBoundsIssue(raw);
  if (oversize) throw new ApiError('invalid', `${what}: ${oversize.path}: ${oversize.message}`, [oversize]);
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = fieldIssues(result.error);
    throw new ApiError('invalid', `${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data;
}

/** Validate a method's input; throws `ApiError('invalid')` with one message per field. */
export function parseApiInput<M extends ApiMethod>(method: M, raw: unknown): ApiInput<M> {
  return parseUntrusted(apiInputSchemas[method], raw ?? {}, `invalid input for ${method}`) as ApiInput<M>;
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputSchemas, name);
}

export type EventListener = (event: EpochlabEvent) => void;

/** What the front doors (app, server, CLI) get from the services layer. */
export interface EpochlabServices {
  api: EpochlabApi;
  /** Live events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /**
   * Trusted callers only (OS dialog, command line): the source is validated against the registry's schema
   * here; a file the reader refuses is an `invalid` ApiError naming the file and the row, column or entry.
   */
  importDataset(source: DatasetImportSource, onProgress?: (progress: ImportProgress) => void): Promise<ImportReport>;
  /**
   * Serve mode: one chunk of a browser's upload, streamed into the data folder (see HTTP_UPLOADS_PATH). The
   * query is the request's, unchecked: it is validated against `uploadChunkSchema` here.
   */
  receiveUpload(query: Record<string, string>, body: AsyncIterable<Uint8Array>): Promise<UploadReceipt>;
  /** Cancels running trials (they end `cancelled`), waits for workers to exit, closes the store. */
  close(): Promise<void>;
}
