/** Metric rows: batched idempotent appends, epoch rows, checkpoints, and reading them back. */
import type Database from 'better-sqlite3';
import { MONITORS, type CheckpointInfo, type EpochMetric, type IterationMetric, type Monitor } from '../contract';
import { guard } from './errors';
import { finiteOrNull, numberOrNaN, requireInteger } from './values';

interface EpochRow {
  epoch: number;
  step: number;
  train_loss: number | null;
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  lr: number | null;
  seconds: number | null;
  samples_seen: number;
  elapsed_ms: number | null;
}
interface IterationRow {
  step: number;
  epoch: number;
  batch: number;
  batch_size: number;
  loss: number | null;
  accuracy: number | null;
  lr: number | null;
  elapsed_ms: number | null;
}
type IterationParams = [number, number, number, number, number, number | null, number | null, number | null, number | null];
type EpochParams = [number, number, number, number | null, number | null, number | null, number | null, number | null, number | null, number, number | null];

const CHECKPOINT_KINDS: ReadonlySet<string> = new Set<CheckpointInfo['kind']>(['best', 'last']);

export class MetricQueries {
  private readonly runExists;
  private readonly insertIteration;
  private readonly bumpSteps;
  private readonly insertEpoch;
  private readonly afterEpoch;
  private readonly upsertCheckpoint;
  private readonly epochsOf;
  private readonly checkpointsOf;
  private readonly iterationsOf;
  private readonly monitorOf: Record<Monitor, Database.Statement<[number], { run_id: number; epoch: number; value: number | null }>>;
  private readonly appendIterationsTx;
  private readonly appendEpochTx;

  constructor(private readonly db: Database.Database) {
    this.runExists = db.prepare<[number], number>('SELECT 1 FROM runs WHERE id = ?').pluck();
    // OR IGNORE on the (run_id, step) key: a batch sent twice (a retry, a resumed run) adds nothing the second time.
    this.insertIteration = db.prepare<IterationParams>(
      `INSERT OR IGNORE INTO iteration_metrics (run_id, step, epoch, batch, batch_size, loss, accuracy, lr, elapsed_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.bumpSteps = db.prepare<[number, number]>('UPDATE runs SET steps_done = MAX(steps_done, ?) WHERE id = ?');
    this.insertEpoch = db.prepare<EpochParams>(
      `INSERT OR IGNORE INTO epoch_metrics
         (run_id, epoch, step, train_loss, train_accuracy, val_loss, val_accuracy, lr, seconds, samples_seen, elapsed_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.afterEpoch = db.prepare<[number, number, number | null, number]>(
      `UPDATE runs SET epochs_done = MAX(epochs_done, ?), steps_done = MAX(steps_done, ?), best_epoch = COALESCE(?, best_epoch) WHERE id = ?`,
    );
    this.upsertCheckpoint = db.prepare<[number, string, number, string, number]>(
      `INSERT INTO checkpoints (run_id, kind, epoch, path, bytes) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, kind) DO UPDATE SET epoch = excluded.epoch, path = excluded.path, bytes = excluded.bytes`,
    );
    this.epochsOf = db.prepare<[number], EpochRow>('SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch');
    this.checkpointsOf = db.prepare<[number], CheckpointInfo>('SELECT kind, epoch, path, bytes FROM checkpoints WHERE run_id = ? ORDER BY id');
    this.iterationsOf = db.prepare<[number], IterationRow>('SELECT * FROM iteration_metrics WHERE run_id = ? ORDER BY step');
    // Monitor names are the epoch_metrics column names; each gets its own statement (no SQL built from input).
    this.monitorOf = Object.fromEntries(
      MONITORS.map((m) => [m, db.prepare(`SELECT m.run_id, m.epoch, m.${m} AS value FROM epoch_metrics m JOIN runs r ON r.id = m.run_id WHERE r.experiment_id = ? ORDER BY m.run_id, m.epoch`)]),
    ) as MetricQueries['monitorOf'];
    this.appendIterationsTx = db.transaction((runId: number, rows: IterationMetric[]) => this.writeIterations(runId, rows));
    this.appendEpochTx = db.transaction((runId: number, row: EpochMetric, bestEpoch: number | null) => this.writeEpoch(runId, row, bestEpoch));
  }

  appendIterations(runId: number, rows: IterationMetric[]): void {
    if (rows.length === 0) return;
    guard(`could not save ${rows.length} iteration rows of run ${runId}`, () => this.appendIterationsTx(runId, rows));
  }

  appendEpoch(runId: number, row: EpochMetric, bestEpoch: number | null): void {
    guard(`could not save epoch ${row.epoch} of run ${runId}`, () => this.appendEpochTx(runId, row, bestEpoch));
  }

  addCheckpoint(runId: number, checkpoint: CheckpointInfo): void {
    if (!CHECKPOINT_KINDS.has(checkpoint.kind)) throw new RangeError(`unknown checkpoint kind: ${String(checkpoint.kind)}`);
    requireInteger(checkpoint.epoch, 'checkpoint epoch', 0);
    requireInteger(checkpoint.bytes, 'checkpoint bytes', 0);
    guard(`could not record the ${checkpoint.kind} checkpoint of run ${runId}`, () =>
      this.db.transaction(() => {
        this.requireRun(runId);
        this.upsertCheckpoint.run(runId, checkpoint.kind, checkpoint.epoch, checkpoint.path, checkpoint.bytes);
      })(),
    );
  }

  getEpochs(runId: number): EpochMetric[] {
    return guard(`could not read the epochs of run ${runId}`, () => this.epochsOf.all(runId).map(toEpochMetric));
  }

  getMonitorValues(experimentId: number, monitor: Monitor): Map<number, Map<number, number | null>> {
    return guard(`could not read the ${monitor} values of experiment ${experimentId}`, () => {
      const out = new Map<number, Map<number, number | null>>();
      for (const row of this.monitorOf[monitor].all(experimentId)) {
        let values = out.get(row.run_id);
        if (!values) out.set(row.run_id, (values = new Map()));
        values.set(row.epoch, row.value);
      }
      return out;
    });
  }

  getCheckpoints(runId: number): CheckpointInfo[] {
    return guard(`could not read the checkpoints of run ${runId}`, () => this.checkpointsOf.all(runId));
  }

  getIterations(runId: number): IterationMetric[] {
    return guard(`could not read the iterations of run ${runId}`, () => this.iterationsOf.all(runId).map(toIterationMetric));
  }

  private requireRun(runId: number): void {
    if (this.runExists.get(runId) === undefined) throw new RangeError(`there is no run ${runId}`);
  }

  private writeIterations(runId: number, rows: IterationMetric[]): void {
    // The run update comes first: it doubles as the existence check, so a missing run fails before any insert.
    let lastStep = 0;
    for (const row of rows) if (row.step > lastStep) lastStep = row.step;
    if (this.bumpSteps.run(lastStep, runId).changes === 0) throw new RangeError(`there is no run ${runId}`);
    for (const row of rows) {
      requireInteger(row.step, 'step', 1);
      requireInteger(row.epoch, 'epoch', 1);
      requireInteger(row.batch, 'batch', 0);
      requireInteger(row.batchSize, 'batch size', 1);
      this.insertIteration.run(
        runId, row.step, row.epoch, row.batch, row.batchSize,
        finiteOrNull(row.loss), finiteOrNull(row.accuracy), finiteOrNull(row.learningRate), finiteOrNull(row.elapsedMs),
      );
    }
  }

  private writeEpoch(runId: number, row: EpochMetric, bestEpoch: number | null): void {
    requireInteger(row.epoch, 'epoch', 1);
    requireInteger(row.step, 'step', 0);
    requireInteger(row.samplesSeen, 'samples seen', 0);
    if (bestEpoch !== null) requireInteger(bestEpoch, 'best epoch', 1);
    this.requireRun(runId);
    const inserted = this.insertEpoch.run(
      runId, row.epoch, row.step,
      finiteOrNull(row.trainLoss), finiteOrNull(row.trainAccuracy), finiteOrNull(row.valLoss), finiteOrNull(row.valAccuracy),
      finiteOrNull(row.learningRate), finiteOrNull(row.seconds), row.samplesSeen, finiteOrNull(row.elapsedMs),
    ).changes;
    // A re-sent epoch changes nothing, not even best_epoch: the first delivery already recorded the worker's view.
    if (inserted > 0) this.afterEpoch.run(row.epoch, row.step, bestEpoch, runId);
  }
}

function toEpochMetric(row: EpochRow): EpochMetric {
  return {
    epoch: row.epoch,
    step: row.step,
    trainLoss: row.train_loss,
    trainAccuracy: row.train_accuracy,
    valLoss: row.val_loss,
    valAccuracy: row.val_accuracy,
    learningRate: numberOrNaN(row.lr),
    seconds: numberOrNaN(row.seconds),
    samplesSeen: row.samples_seen,
    elapsedMs: numberOrNaN(row.elapsed_ms),
  };
}

function toIterationMetric(row: IterationRow): IterationMetric {
  return {
    step: row.step,
    epoch: row.epoch,
    batch: row.batch,
    batchSize: row.batch_size,
    loss: row.loss,
    accuracy: row.accuracy,
    learningRate: numberOrNaN(row.lr),
    elapsedMs: numberOrNaN(row.elapsed_ms),
  };
}
