/** Runs: summaries (with best and final epoch values joined in) and the status lifecycle. */
import type Database from 'better-sqlite3';
import type { BackendInfo, IterationAccounting, RunStatus, RunSummary, TrialConfig, TrialParams } from '../contract';
import { FINISHED_STATUSES, isResumable } from '../contract/records';
import type { RunEndInfo, RunStartInfo } from './run-store';
import { guard } from './errors';
import { nowIso, parseJson, parseJsonOrNull, parseTags } from './values';

export const INTERRUPTED_MESSAGE = 'the process stopped while this run was training';

interface RunRow {
  id: number;
  experiment_id: number;
  idx: number;
  status: RunStatus;
  params: string;
  accounting: string;
  backend: string | null;
  dataset_fingerprint: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  error: string | null;
  end_reason: string | null;
  stop_epoch: number | null;
  tags: string;
  notes: string;
  best_epoch: number | null;
  diverged_at_step: number | null;
  epochs_done: number;
  steps_done: number;
  best_val_loss: number | null;
  best_val_accuracy: number | null;
  best_train_loss: number | null;
  final_val_loss: number | null;
  final_val_accuracy: number | null;
  final_train_loss: number | null;
  epoch_seconds: number | null;
}

// Best values come from the epoch row at best_epoch, final values from the highest epoch row.
const SUMMARY_SELECT = `
  SELECT r.id, r.experiment_id, r.idx, r.status, r.params, r.accounting, r.backend, r.dataset_fingerprint,
    r.created_at, r.started_at, r.ended_at, r.error, r.end_reason, r.stop_epoch, r.tags, r.notes, r.best_epoch, r.diverged_at_step, r.epochs_done, r.steps_done,
    b.val_loss AS best_val_loss, b.val_accuracy AS best_val_accuracy, b.train_loss AS best_train_loss,
    f.val_loss AS final_val_loss, f.val_accuracy AS final_val_accuracy, f.train_loss AS final_train_loss,
    (SELECT SUM(s.seconds) FROM epoch_metrics s WHERE s.run_id = r.id) AS epoch_seconds
  FROM runs r
  LEFT JOIN epoch_metrics b ON b.run_id = r.id AND b.epoch = r.best_epoch
  LEFT JOIN epoch_metrics f ON f.run_id = r.id AND f.epoch = (SELECT MAX(x.epoch) FROM epoch_metrics x WHERE x.run_id = r.id)`;

export class RunQueries {
  private readonly byExperiment;
  private readonly queuedOf;
  private readonly one;
  private readonly configOf;
  private readonly statusOf;
  private readonly started;
  private readonly ended;
  private readonly interruptRunning;
  private readonly finishIdleExperiments;
  private readonly clearIterations;
  private readonly clearEpochs;
  private readonly clearCheckpoints;
  private readonly resetRun;

  constructor(private readonly db: Database.Database) {
    this.byExperiment = db.prepare<[number], RunRow>(`${SUMMARY_SELECT} WHERE r.experiment_id = ? ORDER BY r.idx`);
    this.queuedOf = db.prepare<[number], RunRow>(`${SUMMARY_SELECT} WHERE r.experiment_id = ? AND r.status = 'queued' ORDER BY r.idx`);
    this.one = db.prepare<[number], RunRow>(`${SUMMARY_SELECT} WHERE r.id = ?`);
    this.configOf = db.prepare<[number], string>('SELECT config FROM runs WHERE id = ?').pluck();
    this.statusOf = db.prepare<[number], { status: RunStatus; error: string | null }>('SELECT status, error FROM runs WHERE id = ?');
    this.started = db.prepare<[string, string, string, number]>(
      `UPDATE runs SET status = 'running', started_at = ?, backend = ?, dataset_fingerprint = ?, ended_at = NULL, error = NULL,
         end_reason = NULL, stop_epoch = NULL WHERE id = ?`,
    );
    // The stop epoch is what the run had trained when it ended, if that is short of its plan.
    this.ended = db.prepare<[{ id: number; status: string; error: string | null; endReason: string | null; endedAt: string; bestEpoch: number | null; divergedAtStep: number | null }]>(
      `UPDATE runs SET status = @status, error = @error, end_reason = @endReason, ended_at = @endedAt,
         best_epoch = COALESCE(@bestEpoch, best_epoch), diverged_at_step = @divergedAtStep,
         stop_epoch = CASE WHEN epochs_done < json_extract(accounting, '$.epochs') THEN epochs_done ELSE NULL END
       WHERE id = @id`,
    );
    this.interruptRunning = db.prepare<[string, string]>(
      `UPDATE runs SET status = 'interrupted', end_reason = ?, ended_at = ?, stop_epoch = epochs_done WHERE status = 'running'`,
    );
    this.finishIdleExperiments = db.prepare(
      `UPDATE experiments SET status = 'finished' WHERE status = 'running'
         AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.experiment_id = experiments.id AND r.status IN ('queued', 'running'))`,
    );
    // Rows past the epoch a resumed run restarts from (0: all of them).
    this.clearIterations = db.prepare<[number, number]>('DELETE FROM iteration_metrics WHERE run_id = ? AND epoch > ?');
    this.clearEpochs = db.prepare<[number, number]>('DELETE FROM epoch_metrics WHERE run_id = ? AND epoch > ?');
    this.clearCheckpoints = db.prepare<[number]>('DELETE FROM checkpoints WHERE run_id = ?');
    this.resetRun = db.prepare<[{ id: number; keep: number; best: number | null }]>(
      `UPDATE runs SET status = 'queued', ended_at = NULL, error = NULL, end_reason = NULL, stop_epoch = NULL, diverged_at_step = NULL,
         epochs_done = @keep,
         steps_done = COALESCE((SELECT MAX(step) FROM iteration_metrics WHERE run_id = @id), 0),
         best_epoch = @best,
         backend = CASE WHEN @keep = 0 THEN NULL ELSE backend END,
         dataset_fingerprint = CASE WHEN @keep = 0 THEN NULL ELSE dataset_fingerprint END,
         started_at = CASE WHEN @keep = 0 THEN NULL ELSE started_at END
       WHERE id = @id`,
    );
  }

  list(experimentId: number): RunSummary[] {
    return guard(`could not list the runs of experiment ${experimentId}`, () => this.byExperiment.all(experimentId).map(toSummary));
  }

  queued(experimentId: number): RunSummary[] {
    return guard(`could not list the queued runs of experiment ${experimentId}`, () => this.queuedOf.all(experimentId).map(toSummary));
  }

  get(runId: number): { summary: RunSummary; config: TrialConfig } | null {
    return guard(`could not read run ${runId}`, () =>
      this.db.transaction(() => {
        const row = this.one.get(runId);
        if (!row) return null;
        return { summary: toSummary(row), config: parseJson<TrialConfig>(this.configOf.get(runId) as string) };
      })(),
    );
  }

  markStarted(runId: number, info: RunStartInfo): void {
    guard(`could not mark run ${runId} started`, () =>
      this.db.transaction(() => {
        const changes = this.started.run(nowIso(), JSON.stringify(info.backend), info.datasetFingerprint, runId).changes;
        if (changes === 0) throw new RangeError(`there is no run ${runId}`);
      })(),
    );
  }

  markEnded(runId: number, info: RunEndInfo): void {
    if (!FINISHED_STATUSES.has(info.status)) throw new RangeError(`a run cannot end with status ${String(info.status)}`);
    guard(`could not mark run ${runId} ${info.status}`, () =>
      this.db.transaction(() => {
        const changes = this.ended.run({
          id: runId, status: info.status, error: info.error, endReason: info.endReason, endedAt: nowIso(),
          bestEpoch: info.bestEpoch, divergedAtStep: info.divergedAtStep,
        }).changes;
        if (changes === 0) throw new RangeError(`there is no run ${runId}`);
      })(),
    );
  }

  requeue(runId: number, keepThroughEpoch = 0, bestEpoch: number | null = null): void {
    guard(`could not requeue run ${runId}`, () =>
      this.db.transaction(() => {
        const row = this.statusOf.get(runId);
        if (row === undefined) throw new RangeError(`there is no run ${runId}`);
        if (!isResumable(row)) {
          throw new Error(`run ${runId} is ${row.status}; only an interrupted or cancelled run, or one that failed for a full disk, can be queued again`);
        }
        this.clearIterations.run(runId, keepThroughEpoch);
        this.clearEpochs.run(runId, keepThroughEpoch);
        // From scratch, old checkpoints describe nothing; resumed, they stay (the run overwrites them).
        if (keepThroughEpoch === 0) this.clearCheckpoints.run(runId);
        this.resetRun.run({ id: runId, keep: keepThroughEpoch, best: bestEpoch });
      })(),
    );
  }

  interruptStale(): number {
    return guard('could not mark interrupted runs', () =>
      this.db.transaction(() => {
        const interrupted = this.interruptRunning.run(INTERRUPTED_MESSAGE, nowIso()).changes;
        this.finishIdleExperiments.run();
        return interrupted;
      })(),
    );
  }
}

function secondsOf(row: RunRow): number | null {
  if (row.epoch_seconds !== null) return row.epoch_seconds;
  if (row.started_at === null || row.ended_at === null) return null;
  return (Date.parse(row.ended_at) - Date.parse(row.started_at)) / 1000;
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    index: row.idx,
    status: row.status,
    params: parseJson<TrialParams>(row.params),
    accounting: parseJson<IterationAccounting>(row.accounting),
    backend: parseJsonOrNull<BackendInfo>(row.backend),
    datasetFingerprint: row.dataset_fingerprint,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    error: row.error,
    endReason: row.end_reason,
    stopEpoch: row.stop_epoch,
    tags: parseTags(row.tags),
    notes: row.notes,
    epochsDone: row.epochs_done,
    stepsDone: row.steps_done,
    bestEpoch: row.best_epoch,
    bestValLoss: row.best_val_loss,
    bestValAccuracy: row.best_val_accuracy,
    bestTrainLoss: row.best_train_loss,
    finalValLoss: row.final_val_loss,
    finalValAccuracy: row.final_val_accuracy,
    finalTrainLoss: row.final_train_loss,
    divergedAtStep: row.diverged_at_step,
    seconds: secondsOf(row),
  };
}
