/** Analysis rows (migration 003): noise scale per epoch, sharpness per checkpoint, the LR range test's result. */
import type Database from 'better-sqlite3';
import {
  CHECKPOINT_POINTS, type LrRangePoint, type LrRangeResult, type NoiseScaleEpoch, type RunInsight, type RunInsightRows, type SharpnessResult,
} from '../contract';
import { guard } from './errors';
import { finiteOrNull, parseJson, requireInteger } from './values';

interface NoiseRow {
  epoch: number;
  step: number;
  grad_sq: number | null;
  trace: number | null;
  b_simple: number | null;
  measurements: number;
  overhead: number | null;
}
interface SharpnessRow {
  checkpoint: SharpnessResult['checkpoint'];
  epoch: number;
  loss: number | null;
  top_eigenvalue: number | null;
  converged: number;
  eps_sharpness: number | null;
  epsilon: number;
  subset: number;
  power_iterations: number;
  ascent_steps: number;
  seconds: number;
  error: string | null;
}
interface LrRangeRow {
  lr_from: number;
  lr_to: number;
  iterations: number;
  steepest: number | null;
  minimum: number | null;
  minimum_over_10: number | null;
  stop_reason: string;
  points: string;
}

const CHECKPOINTS: ReadonlySet<string> = new Set(CHECKPOINT_POINTS);

export class AnalysisQueries {
  private readonly runExists;
  private readonly insertNoise;
  private readonly upsertSharpness;
  private readonly upsertLrRange;
  private readonly noiseOf;
  private readonly sharpnessOf;
  private readonly lrRangeOf;
  private readonly clearNoise;
  private readonly clearSharpness;
  private readonly clearLrRange;

  constructor(private readonly db: Database.Database) {
    this.runExists = db.prepare<[number], number>('SELECT 1 FROM runs WHERE id = ?').pluck();
    // Idempotent on (run, epoch), as epoch rows are: a re-sent row adds nothing.
    this.insertNoise = db.prepare(
      `INSERT OR IGNORE INTO run_noise_scale (run_id, epoch, step, grad_sq, trace, b_simple, measurements, overhead)
       VALUES (@runId, @epoch, @step, @gradSq, @trace, @bSimple, @measurements, @overhead)`,
    );
    this.upsertSharpness = db.prepare(
      `INSERT OR REPLACE INTO run_sharpness
         (run_id, checkpoint, epoch, loss, top_eigenvalue, converged, eps_sharpness, epsilon, subset, power_iterations, ascent_steps, seconds, error)
       VALUES (@runId, @checkpoint, @epoch, @loss, @topEigenvalue, @converged, @epsSharpness, @epsilon, @subset, @powerIterations, @ascentSteps, @seconds, @error)`,
    );
    this.upsertLrRange = db.prepare(
      `INSERT OR REPLACE INTO run_lr_range (run_id, lr_from, lr_to, iterations, steepest, minimum, minimum_over_10, stop_reason, points)
       VALUES (@runId, @from, @to, @iterations, @steepest, @minimum, @minimumOver10, @stopReason, @points)`,
    );
    this.noiseOf = db.prepare<[number], NoiseRow>('SELECT * FROM run_noise_scale WHERE run_id = ? ORDER BY epoch');
    this.sharpnessOf = db.prepare<[number], SharpnessRow>(`SELECT * FROM run_sharpness WHERE run_id = ? ORDER BY CASE checkpoint WHEN 'best' THEN 0 ELSE 1 END`);
    this.lrRangeOf = db.prepare<[number], LrRangeRow>('SELECT * FROM run_lr_range WHERE run_id = ?');
    this.clearNoise = db.prepare<[number, number]>('DELETE FROM run_noise_scale WHERE run_id = ? AND epoch > ?');
    this.clearSharpness = db.prepare<[number]>('DELETE FROM run_sharpness WHERE run_id = ?');
    this.clearLrRange = db.prepare<[number]>('DELETE FROM run_lr_range WHERE run_id = ?');
  }

  save(runId: number, insight: RunInsight): void {
    guard(`could not save the ${insight.kind} result of run ${runId}`, () =>
      this.db.transaction(() => {
        if (this.runExists.get(runId) === undefined) throw new RangeError(`there is no run ${runId}`);
        if (insight.kind === 'noise-scale') this.saveNoise(runId, insight.row);
        else if (insight.kind === 'sharpness') for (const row of insight.rows) this.saveSharpness(runId, row);
        else this.saveLrRange(runId, insight.result);
      })(),
    );
  }

  get(runId: number): RunInsightRows {
    return guard(`could not read the analysis of run ${runId}`, () =>
      this.db.transaction(() => {
        const lr = this.lrRangeOf.get(runId);
        return { noiseScale: this.noiseOf.all(runId).map(toNoise), sharpness: this.sharpnessOf.all(runId).map(toSharpness), lrRange: lr ? toLrRange(lr) : null };
      })(),
    );
  }

  /** Rows a run queued again would produce anew: noise rows after `keepThroughEpoch`, and every end result. */
  clear(runId: number, keepThroughEpoch: number): void {
    this.clearNoise.run(runId, keepThroughEpoch);
    this.clearSharpness.run(runId);
    this.clearLrRange.run(runId);
  }

  private saveNoise(runId: number, row: NoiseScaleEpoch): void {
    requireInteger(row.epoch, 'epoch', 1);
    requireInteger(row.step, 'step', 0);
    requireInteger(row.measurements, 'measurements', 0);
    this.insertNoise.run({
      runId, epoch: row.epoch, step: row.step, gradSq: finiteOrNull(row.gradSq), trace: finiteOrNull(row.trace),
      bSimple: finiteOrNull(row.bSimple), measurements: row.measurements, overhead: finiteOrNull(row.overhead),
    });
  }

  private saveSharpness(runId: number, row: SharpnessResult): void {
    if (!CHECKPOINTS.has(row.checkpoint)) throw new RangeError(`unknown checkpoint: ${String(row.checkpoint)}`);
    requireInteger(row.epoch, 'epoch', 1);
    this.upsertSharpness.run({
      runId, checkpoint: row.checkpoint, epoch: row.epoch, loss: finiteOrNull(row.loss), topEigenvalue: finiteOrNull(row.topEigenvalue),
      converged: row.converged ? 1 : 0, epsSharpness: finiteOrNull(row.epsSharpness), epsilon: row.epsilon, subset: row.subset,
      powerIterations: row.powerIterations, ascentSteps: row.ascentSteps, seconds: finiteOrNull(row.seconds) ?? 0, error: row.error,
    });
  }

  private saveLrRange(runId: number, result: LrRangeResult): void {
    const points: LrRangePoint[] = result.points.map((p) => ({ step: p.step, learningRate: p.learningRate, loss: finiteOrNull(p.loss), smoothed: finiteOrNull(p.smoothed) }));
    this.upsertLrRange.run({
      runId, from: result.from, to: result.to, iterations: result.iterations, steepest: finiteOrNull(result.steepest), minimum: finiteOrNull(result.minimum),
      minimumOver10: finiteOrNull(result.minimumOver10), stopReason: result.stopReason, points: JSON.stringify(points),
    });
  }
}

function toNoise(r: NoiseRow): NoiseScaleEpoch {
  return { epoch: r.epoch, step: r.step, gradSq: r.grad_sq, trace: r.trace, bSimple: r.b_simple, measurements: r.measurements, overhead: r.overhead };
}

function toSharpness(r: SharpnessRow): SharpnessResult {
  return {
    checkpoint: r.checkpoint, epoch: r.epoch, loss: r.loss, topEigenvalue: r.top_eigenvalue, converged: r.converged === 1, epsSharpness: r.eps_sharpness,
    epsilon: r.epsilon, subset: r.subset, powerIterations: r.power_iterations, ascentSteps: r.ascent_steps, seconds: r.seconds, error: r.error,
  };
}

function toLrRange(r: LrRangeRow): LrRangeResult {
  return {
    from: r.lr_from, to: r.lr_to, iterations: r.iterations, steepest: r.steepest, minimum: r.minimum, minimumOver10: r.minimum_over_10,
    stopReason: r.stop_reason, points: parseJson<LrRangePoint[]>(r.points),
  };
}
