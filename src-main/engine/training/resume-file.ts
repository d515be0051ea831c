/**
 * The resume point a training run leaves after every epoch (when checkpoints are on): weights, optimizer
 * state, counters and the early-stopping state, so an interrupted or cancelled run continues from its last
 * finished epoch instead of from scratch. This file only reads the small JSON part (no tfjs), for the
 * services that decide how to queue a run again.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JudgeState } from './stopping';

export const RESUME_FORMAT = 'epochlab-resume-v1';
export const RESUME_NAME = 'resume';

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
}

export function resumePaths(absDir: string): { json: string; bin: string } {
  return { json: join(absDir, `${RESUME_NAME}.json`), bin: join(absDir, `${RESUME_NAME}.bin`) };
}

export function readResumeManifest(absDir: string): ResumeManifest | null {
  const { json, bin } = resumePaths(absDir);
  if (!existsSync(json) || !existsSync(bin)) return null;
  try {
    const manifest = JSON.parse(readFileSync(json, 'utf8')) as ResumeManifest;
    return manifest.format === RESUME_FORMAT && Number.isInteger(manifest.epoch) && manifest.epoch > 0 ? manifest : null;
  } catch {
    return null; // a damaged resume point is no resume point: the run starts again
  }
}

/** Where a run can continue from: its last finished epoch and the best epoch so far. */
export function readResumePoint(absDir: string): { epoch: number; bestEpoch: number | null } | null {
  const manifest = readResumeManifest(absDir);
  return manifest ? { epoch: manifest.epoch, bestEpoch: manifest.judge.bestEpoch } : null;
}

export function removeResumePoint(absDir: string): void {
  const { json, bin } = resumePaths(absDir);
  rmSync(json, { force: true });
  rmSync(bin, { force: true });
}
