/**
 * The checkpoint layout: the one place that knows folder and file names. Everything else (the training loop,
 * the runner, the services that resume and delete runs) asks here.
 *
 *   <dataDir>/checkpoints/run-<id>/          a run's folder (relative path stored as the job's checkpointDir)
 *     best.bin, best.json                    weights of the best epoch so far (+ manifest)
 *     last.bin, last.json                    weights at the end of the run
 *     resume-<epoch>.bin, resume-<epoch>.json  resume points: the newest two are kept (see resume-file.ts)
 *     *.tmp                                  a file being written; renamed into place when complete
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const CHECKPOINTS_FOLDER = 'checkpoints';
export type WeightsKind = 'best' | 'last';

/** A run's checkpoint folder, relative to the data folder. */
export function checkpointDirOf(runId: number): string {
  return `${CHECKPOINTS_FOLDER}/run-${runId}`;
}

/** How a weights checkpoint is referred to in the database: its folder-relative path without extension. */
export function weightsRefOf(relDir: string, kind: WeightsKind): string {
  return `${relDir}/${kind}`;
}

export interface FilePair {
  /** The data. */
  bin: string;
  /** The manifest that describes the data; written last. */
  json: string;
}

export function weightsFiles(absDir: string, kind: WeightsKind): FilePair {
  return { bin: join(absDir, `${kind}.bin`), json: join(absDir, `${kind}.json`) };
}

const RESUME_MANIFEST = /^resume-(\d+)\.json$/;

export function resumeFiles(absDir: string, epoch: number): FilePair {
  return { bin: join(absDir, `resume-${epoch}.bin`), json: join(absDir, `resume-${epoch}.json`) };
}

/** Where a file is written before it is renamed into place. */
export function tempFileOf(path: string): string {
  return `${path}.tmp`;
}

/** Epochs of the resume points whose manifest exists in the folder, newest first. */
export function resumeEpochsIn(absDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(absDir);
  } catch {
    return [];
  }
  return names
    .map((name) => RESUME_MANIFEST.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
}

/** Removes resume points (both files, and any half-written one), keeping those whose epoch `keep` accepts. */
export function removeResumePoints(absDir: string, keep: (epoch: number) => boolean = () => false): void {
  let names: string[];
  try {
    names = readdirSync(absDir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^resume-(\d+)\.(?:bin|json)(?:\.tmp)?$/.exec(name);
    if (match && (name.endsWith('.tmp') || !keep(Number(match[1])))) rmSync(join(absDir, name), { force: true });
  }
  // The single unversioned pair earlier builds wrote had no content hash: it is never trusted again.
  for (const legacy of ['resume.json', 'resume.bin', 'resume.json.tmp', 'resume.bin.tmp']) rmSync(join(absDir, legacy), { force: true });
}
