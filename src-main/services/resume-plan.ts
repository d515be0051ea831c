/**
 * Where a run that is queued again continues from: the newest resume point that agrees with the database
 * and matches its content hash, or from scratch. Points passed over are removed (the worker then finds the
 * chosen one, or none) and each is reported with its reason (docs/reliability.md E6).
 */
import { join } from 'node:path';
import type { EpochMetric, RunSummary } from '../contract';
import { checkpointDirOf, removeResumePoints } from '../engine/training/checkpoint-layout';
import { chooseResumePoint } from '../engine/training/resume-file';

export interface ResumePlan {
  /** Continue after this epoch, with this best epoch; null: train from scratch. */
  from: { epoch: number; bestEpoch: number | null } | null;
  /** What the user should be told about this run. */
  notes: string[];
}

export function planResume(dataDir: string, run: RunSummary, stored: readonly EpochMetric[]): ResumePlan {
  const absDir = join(dataDir, checkpointDirOf(run.id));
  const { point, discarded } = chooseResumePoint(absDir, stored);
  removeResumePoints(absDir, (epoch) => epoch === point?.epoch);
  const notes = discarded.map(({ epoch, reason }) => `run ${run.id}: the resume point of epoch ${epoch} was not used: ${reason}`);
  if (point) {
    if (discarded.length) notes.push(`run ${run.id} continues after epoch ${point.epoch}`);
    return { from: { epoch: point.epoch, bestEpoch: point.judge.bestEpoch }, notes };
  }
  if (run.epochsDone > 0 || discarded.length) {
    notes.push(`run ${run.id} trains again from scratch: ${discarded.length ? 'no resume point agrees with the database' : 'it left no resume point (checkpoints are off, its optimizer cannot save its state, or it stopped before one was written)'}`);
  }
  return { from: null, notes };
}
