/**
 * Trials trained on other machines through a BullMQ queue on Redis: the queue's address, the job a
 * coordinator puts on it, and what a worker reports back. Everything read from Redis is parsed with these
 * schemas first: Redis is shared by machines Epochlab does not control, and a malicious, buggy or stale
 * worker must not be able to write anything to the store that a local trainer could not (docs/reliability.md R2).
 */
import { z } from 'zod';
import { analysisSchema, CHECKPOINT_POINTS } from './analysis';
import { BACKEND_NAMES } from './records';
import type { TrialEnd } from './worker';
import { datasetRefSchema, modelSchema, OPTIMIZERS, POOLINGS, SCHEDULES, trainingSchema, validationSchema, type TrialConfig } from './spec';

/** What `--queue` names when no queue name is given: one queue per Redis database unless told otherwise. */
export const DEFAULT_QUEUE_NAME = 'epochlab';
/** Environment variable a front door reads the queue address from when no flag gives one. */
export const QUEUE_URL_ENV = 'EPOCHLAB_QUEUE';
/** The most iteration rows one report may carry (a worker flushes every 250 ms; 10 000 rows is far above that). */
export const MAX_ROWS_PER_REPORT = 10_000;
/** Reasons and names from Redis are cut to this length before they reach the store or a log. */
const MAX_TEXT = 2000;

/** A Redis address: redis://[user:password@]host[:port][/db] or rediss:// for TLS. */
export interface QueueAddress {
  tls: boolean;
  host: string;
  port: number;
  db: number;
  username: string | undefined;
  password: string | undefined;
  /** The address as it may be shown and logged: the password replaced by `***`. */
  shown: string;
}

/** Parses a queue address; throws a RangeError naming the field (`queue URL`) and what is wrong. */
export function parseQueueAddress(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new RangeError(`queue URL must look like redis://host:6379 or rediss://user:password@host:6380/0 (got "${redacted(text)}")`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RangeError(`queue URL must start with redis:// or rediss:// (TLS), not ${url.protocol}//`);
  }
  if (!url.hostname) throw new RangeError('queue URL has no host name');
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d*$/.test(dbText)) throw new RangeError(`queue URL's database must be a number from 0 to 15 (got "${dbText}")`);
  if (url.search || url.hash) throw new RangeError('queue URL takes no ?query or #fragment');
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const credentials = url.username || url.password ? `${url.username}${url.password ? ':***' : ''}@` : '';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { tls: url.protocol === 'rediss:', host, port, db, username, password, shown: `${url.protocol}//${credentials}${url.host}/${db}` };
}

/** Hides a password in something that failed to parse as a URL (a message must never echo it). */
function redacted(text: string): string {
  return text.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').slice(0, 200);
}

export const queueNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'queue name must be 1 to 64 letters, digits, - or _');

const finite = z.number().finite();
const nullableFinite = finite.nullable();
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(100_000).transform((s) => s.slice(0, MAX_TEXT));

const trialParamsSchema = z.strictObject({
  learningRate: finite.gt(0),
  batchSize: z.number().int().min(1),
  epochs: z.number().int().min(1),
  optimizer: z.enum(OPTIMIZERS),
  schedule: z.enum(SCHEDULES),
  weightDecay: finite.min(0),
  seed: z.number().int().min(0),
  filters: z.number().int().min(1).optional(),
  kernelSize: z.number().int().min(1).optional(),
  pooling: z.enum(POOLINGS).optional(),
  poolSize: z.number().int().min(1).optional(),
});

export const trialConfigSchema: z.ZodType<TrialConfig> = z.strictObject({
  params: trialParamsSchema,
  model: modelSchema,
  dataset: datasetRefSchema,
  validation: validationSchema,
  training: trainingSchema,
  analysis: analysisSchema.optional(),
}) as unknown as z.ZodType<TrialConfig>;

/** The data of one queued trial. The job id is `<coordinator>.<runId>` (remoteJobId). */
export const remoteJobSchema = z.strictObject({
  coordinator: z.string().regex(/^[a-z0-9]{8,32}$/),
  runId: z.number().int().min(1),
  config: trialConfigSchema,
  flushIntervalMs: z.number().int().min(10).max(60_000),
});
export type RemoteJob = z.infer<typeof remoteJobSchema>;

export function remoteJobId(coordinator: string, runId: number): string {
  return `${coordinator}.${runId}`;
}

const backendInfoSchema = z.strictObject({ name: z.enum(BACKEND_NAMES), version: text, device: text });

const iterationSchema = z.strictObject({
  step: z.number().int().min(1),
  epoch: z.number().int().min(1),
  batch: z.number().int().min(0),
  batchSize: z.number().int().min(1),
  loss: nullableFinite,
  accuracy: nullableFinite,
  learningRate: finite,
  elapsedMs: finite.min(0),
});

const epochSchema = z.strictObject({
  epoch: z.number().int().min(1),
  step: z.number().int().min(0),
  trainLoss: nullableFinite,
  trainAccuracy: nullableFinite,
  valLoss: nullableFinite,
  valAccuracy: nullableFinite,
  learningRate: finite,
  seconds: finite.min(0),
  samplesSeen: count,
  elapsedMs: finite.min(0),
});

const noiseScaleRowSchema = z.strictObject({
  epoch: z.number().int().min(1),
  step: count,
  gradSq: nullableFinite,
  trace: nullableFinite,
  bSimple: nullableFinite,
  measurements: count,
  overhead: nullableFinite,
});

const sharpnessRowSchema = z.strictObject({
  checkpoint: z.enum(CHECKPOINT_POINTS),
  epoch: z.number().int().min(1),
  loss: nullableFinite,
  topEigenvalue: nullableFinite,
  converged: z.boolean(),
  epsSharpness: nullableFinite,
  epsilon: finite.min(0),
  subset: count,
  powerIterations: count,
  ascentSteps: count,
  seconds: finite.min(0),
  error: text.nullable(),
});

const lrRangeResultSchema = z.strictObject({
  from: finite.gt(0),
  to: finite.gt(0),
  iterations: count,
  points: z.array(z.strictObject({ step: z.number().int().min(1), learningRate: finite, loss: nullableFinite, smoothed: nullableFinite })).max(MAX_ROWS_PER_REPORT),
  steepest: nullableFinite,
  minimum: nullableFinite,
  minimumOver10: nullableFinite,
  stopReason: text,
});

/** Analysis measurements (contract/analysis.ts RunInsight), checked like every other report. */
const insightSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('noise-scale'), row: noiseScaleRowSchema }),
  z.strictObject({ kind: z.literal('sharpness'), rows: z.array(sharpnessRowSchema).max(CHECKPOINT_POINTS.length) }),
  z.strictObject({ kind: z.literal('lr-range'), result: lrRangeResultSchema }),
]);

/** What a worker reports while a trial trains (the local trainer's messages, minus the machine-local ones). */
export const remoteMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'), runId: z.number().int(), backend: backendInfoSchema, datasetFingerprint: z.string().max(200),
    nTrain: count, nVal: count,
  }),
  z.strictObject({ type: z.literal('iterations'), runId: z.number().int(), rows: z.array(iterationSchema).min(1).max(MAX_ROWS_PER_REPORT) }),
  z.strictObject({ type: z.literal('epoch'), runId: z.number().int(), row: epochSchema, bestEpoch: z.number().int().min(1).nullable() }),
  z.strictObject({ type: z.literal('insight'), runId: z.number().int(), insight: insightSchema }),
]);
export type RemoteMessage = z.infer<typeof remoteMessageSchema>;

/**
 * One progress report of a job. `attempt` names the worker's try at the job (worker id and BullMQ's
 * attempt count): after a worker is declared dead and its job re-queued, reports of the old attempt are
 * ignored, so a worker that was only slow cannot interleave rows with its successor.
 */
export const remoteReportSchema = z.strictObject({
  attempt: z.string().min(1).max(200),
  message: remoteMessageSchema,
});
export type RemoteReport = z.infer<typeof remoteReportSchema>;

const bestEpoch = z.number().int().min(1).nullable();
export const trialEndSchema: z.ZodType<TrialEnd> = z.union([
  z.strictObject({ status: z.enum(['completed', 'early-stopped', 'cancelled']), reason: text.nullable(), bestEpoch }),
  z.strictObject({ status: z.literal('diverged'), reason: text, bestEpoch, divergedAtStep: z.number().int().min(1) }),
  z.strictObject({ status: z.literal('failed'), reason: text, bestEpoch }),
]);

/** What a worker's job returns: how the trial ended, and which attempt ended it. */
export const remoteResultSchema = z.strictObject({ attempt: z.string().min(1).max(200), end: trialEndSchema });
export type RemoteResult = z.infer<typeof remoteResultSchema>;

/** Published by a coordinator to reach the worker training a job: stop it between batches. */
export const cancelNoticeSchema = z.strictObject({ jobId: z.string().min(1).max(200) });

/** What each worker keeps fresh in Redis while it is online (`epochlab workers`). */
export const workerPresenceSchema = z.strictObject({
  id: z.string().min(1).max(200),
  host: z.string().max(255),
  pid: z.number().int(),
  backend: z.string().max(200),
  concurrency: z.number().int().min(1),
  /** Job ids it trains now. */
  running: z.array(z.string().max(200)).max(1024),
  startedAt: z.string().max(64),
  seenAt: z.string().max(64),
});
export type WorkerPresence = z.infer<typeof workerPresenceSchema>;

/** The first issue of a failed parse, as one line: what a coordinator reports about a bad message. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid';
}
