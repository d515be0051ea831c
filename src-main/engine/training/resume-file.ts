/**
 * Resume points: after every epoch (when checkpoints are on) a run leaves its weights, optimizer state,
 * counters and early-stopping state, so an interrupted or cancelled run continues from its last finished
 * epoch instead of from scratch. This file reads and checks them without tfjs, for the services that decide
 * how to queue a run again (docs/reliability.md E6):
 *
 * - the data file is written and renamed first, the manifest last, and the manifest carries the data's size
 *   and SHA-256: a manifest never pairs with other data (a kill between the writes, a swapped or truncated file);
 * - a point is written before its epoch row is posted, and the two newest are kept: if the process dies
 *   between the point and the row, the previous point still matches the database;
 * - a point is used only if the database holds its epoch with the same step and sample counts (an edited
 *   manifest claiming epoch 99 of a run that stored 3 is refused), and every refusal carries its reason.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { JudgeState } from './stopping';
import { resumeEpochsIn, resumeFiles } from './checkpoint-layout';

export const RESUME_FORMAT = 'epochlab-resume-v2';
/** Points kept per run: the newest, and the one before it in case the newest's epoch row never arrived. */
export const RESUME_POINTS_KEPT = 2;

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

export interface ResumeManifest {
  format: typeof RESUME_FORMAT;
  /** The last finished epoch; training continues with the next one. */
  epoch: number;
  step: number;
  samplesSeen: number;
  elapsedMs: number;
  judge: JudgeState;
  model: TensorEntry[];
  /** Optimizer weights; a trainable variable's name is written as `#<index>` so another build can map it. */
  optimizer: TensorEntry[];
  /** The data file's size and content hash: the manifest describes these bytes and no others. */
  data: { bytes: number; sha256: string };
}

/** What the database holds about an epoch, to check a point against. */
export interface StoredEpoch {
  epoch: number;
  step: number;
  samplesSeen: number;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest of the point at `epoch`, or the reason it cannot be used as one. */
export function readResumeManifest(absDir: string, epoch: number): ResumeManifest | { problem: string } {
  let manifest: ResumeManifest;
  try {
    manifest = JSON.parse(readFileSync(resumeFiles(absDir, epoch).json, 'utf8')) as ResumeManifest;
  } catch (error) {
    return { problem: `its manifest cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== RESUME_FORMAT) return { problem: 'its manifest is not an Epochlab resume point' };
  if (manifest.epoch !== epoch) return { problem: `its manifest says epoch ${String(manifest.epoch)} but is filed as epoch ${epoch}` };
  for (const key of ['step', 'samplesSeen', 'elapsedMs'] as const) {
    if (!Number.isInteger(manifest[key]) || manifest[key] < 0) return { problem: `its manifest has no valid ${key}` };
  }
  if (!Array.isArray(manifest.model) || !Array.isArray(manifest.optimizer) || typeof manifest.judge !== 'object' || manifest.judge === null) {
    return { problem: 'its manifest is incomplete' };
  }
  if (!manifest.data || !Number.isInteger(manifest.data.bytes) || !/^[0-9a-f]{64}$/.test(String(manifest.data.sha256))) {
    return { problem: 'its manifest has no content hash' };
  }
  return manifest;
}

/** The point's data, read once and checked against the manifest's size and hash; or the reason it does not match. */
export function readResumeData(absDir: string, manifest: ResumeManifest): Buffer | { problem: string } {
  const { bin } = resumeFiles(absDir, manifest.epoch);
  let bytes: Buffer;
  try {
    if (statSync(bin).size !== manifest.data.bytes) return { problem: `its weights file has ${statSync(bin).size} bytes, not the ${manifest.data.bytes} its manifest describes` };
    bytes = readFileSync(bin);
  } catch {
    return { problem: 'its weights file is missing' };
  }
  if (sha256Of(bytes) !== manifest.data.sha256) return { problem: 'its weights file does not match its manifest\'s content hash' };
  return bytes;
}

/** Why a point disagrees with what the database stored for the run, or null when it agrees. */
export function disagreement(manifest: ResumeManifest, stored: readonly StoredEpoch[]): string | null {
  const row = stored.find((e) => e.epoch === manifest.epoch);
  const last = stored.reduce((n, e) => Math.max(n, e.epoch), 0);
  if (!row) return `it is at epoch ${manifest.epoch} but the database holds ${last ? `epochs 1–${last}` : 'no epoch'} of this run`;
  if (row.step !== manifest.step) return `it is at step ${manifest.step} but the database has epoch ${manifest.epoch} ending at step ${row.step}`;
  if (row.samplesSeen !== manifest.samplesSeen) return `it has seen ${manifest.samplesSeen} samples but the database has ${row.samplesSeen} at epoch ${manifest.epoch}`;
  return null;
}

export interface ResumeChoice {
  /** The newest point that agrees with the database and whose data matches its hash; null: train from scratch. */
  point: ResumeManifest | null;
  /** Points passed over, newest first, each with the reason. */
  discarded: Array<{ epoch: number; reason: string }>;
}

/** Picks where a run continues from, given the epochs the database holds for it. */
export function chooseResumePoint(absDir: string, stored: readonly StoredEpoch[]): ResumeChoice {
  const discarded: ResumeChoice['discarded'] = [];
  for (const epoch of resumeEpochsIn(absDir)) {
    const manifest = readResumeManifest(absDir, epoch);
    if ('problem' in manifest) {
      discarded.push({ epoch, reason: manifest.problem });
      continue;
    }
    const problem = disagreement(manifest, stored);
    if (problem) {
      discarded.push({ epoch, reason: problem });
      continue;
    }
    const data = readResumeData(absDir, manifest);
    if ('problem' in data) {
      discarded.push({ epoch, reason: data.problem });
      continue;
    }
    return { point: manifest, discarded };
  }
  return { point: null, discarded };
}

/** The newest point in the folder with its checked data (what the worker loads after the services chose). */
export function newestResumePoint(absDir: string): { manifest: ResumeManifest; data: Buffer } | { problem: string } {
  const [epoch] = resumeEpochsIn(absDir);
  if (epoch === undefined) return { problem: 'this run has no resume point' };
  const manifest = readResumeManifest(absDir, epoch);
  if ('problem' in manifest) return { problem: `the resume point of epoch ${epoch} is unusable: ${manifest.problem}` };
  const data = readResumeData(absDir, manifest);
  if ('problem' in data) return { problem: `the resume point of epoch ${epoch} is unusable: ${data.problem}` };
  return { manifest, data };
}
