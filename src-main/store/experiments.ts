/** Experiments: creation with their runs, summaries, status, deletion. */
import type Database from 'better-sqlite3';
import {
  DISK_FULL_FAILURE, EXPERIMENT_STATUSES, NEVER_BEST_STATUSES, experimentProgress, experimentStatus, type ExperimentSpec, type ExperimentStatus, type ExperimentSummary,
  type ExperimentProgress, type RunStatus, type RunTotals,
} from '../contract';
import type { NewRun } from './run-store';
import { guard } from './errors';
import { nowIso, parseJson, parseTags } from './values';

interface ExperimentRow {
  id: number;
  name: string;
  notes: string;
  tags: string;
  /** 'running' while a live process claims it; the status people read is derived from the runs. */
  status: ExperimentStatus;
  created_at: string;
  dataset_id: string;
  template: 'mlp' | 'cnn';
  trial_count: number;
}
interface CountRow {
  experiment_id: number;
  status: RunStatus;
  /** 1 for failed runs that failed only because the disk was full (they can be resumed). */
  disk_full: number;
  n: number;
  planned: number;
  done: number;
}

/** What an experiment's runs add up to, per status (see contract/experiment-progress.ts). */
interface RunCounts {
  counts: Partial<Record<RunStatus, number>>;
  totals: RunTotals;
  resumableFailures: number;
}
interface BestRow {
  experiment_id: number;
  run_id: number;
  val_loss: number;
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set<string>(EXPERIMENT_STATUSES);

// The dataset and template are read from the spec JSON by SQLite, so listing never parses whole specs.
const SUMMARY_SELECT = `
  SELECT e.id, e.name, e.notes, e.tags, e.status, e.created_at,
    json_extract(e.spec, '$.dataset.id') AS dataset_id,
    json_extract(e.spec, '$.model.template') AS template,
    (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.id) AS trial_count
  FROM experiments e`;
// Per status: how many runs, their planned iterations and the iterations they trained. The disk-full prefix is
// a constant without quotes or wildcards, so it can sit in the SQL.
const COUNTS_SELECT = `SELECT experiment_id, status, COUNT(*) AS n,
  (status = 'failed' AND substr(COALESCE(error, ''), 1, ${DISK_FULL_FAILURE.length}) = '${DISK_FULL_FAILURE}') AS disk_full,
  TOTAL(json_extract(accounting, '$.totalIterations')) AS planned, TOTAL(steps_done) AS done FROM runs`;
// SQLite returns the bare column run_id from the row holding the MIN: the run with the lowest best val loss.
// Runs that can never be best (diverged) are left out; the statuses are fixed words, inlined as literals.
const BEST_SELECT = `
  SELECT r.experiment_id, r.id AS run_id, MIN(m.val_loss) AS val_loss
  FROM runs r JOIN epoch_metrics m ON m.run_id = r.id AND m.epoch = r.best_epoch
  WHERE m.val_loss IS NOT NULL AND r.status NOT IN (${[...NEVER_BEST_STATUSES].map((s) => `'${s}'`).join(', ')})`;

export class ExperimentQueries {
  private readonly insertExperiment;
  private readonly insertRun;
  private readonly listAll;
  private readonly getOne;
  private readonly specOf;
  private readonly countsAll;
  private readonly countsOne;
  private readonly bestAll;
  private readonly bestOne;
  private readonly updateStatus;
  private readonly updateSpec;
  private readonly exists;
  private readonly checkpointPaths;
  private readonly deleteOne;
  private readonly claimOf;

  constructor(private readonly db: Database.Database) {
    this.insertExperiment = db.prepare<[string, string, string, string, string]>(
      `INSERT INTO experiments (name, notes, status, spec, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.insertRun = db.prepare<[number, number, string, string, string, string]>(
      `INSERT INTO runs (experiment_id, idx, status, params, config, accounting, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?)`,
    );
    this.listAll = db.prepare<[], ExperimentRow>(`${SUMMARY_SELECT} ORDER BY e.id DESC`);
    this.getOne = db.prepare<[number], ExperimentRow>(`${SUMMARY_SELECT} WHERE e.id = ?`);
    this.specOf = db.prepare<[number], string>('SELECT spec FROM experiments WHERE id = ?').pluck();
    this.countsAll = db.prepare<[], CountRow>(`${COUNTS_SELECT} GROUP BY experiment_id, status, disk_full`);
    this.countsOne = db.prepare<[number], CountRow>(`${COUNTS_SELECT} WHERE experiment_id = ? GROUP BY experiment_id, status, disk_full`);
    this.bestAll = db.prepare<[], BestRow>(`${BEST_SELECT} GROUP BY r.experiment_id`);
    this.bestOne = db.prepare<[number], BestRow>(`${BEST_SELECT} AND r.experiment_id = ? GROUP BY r.experiment_id`);
    this.updateStatus = db.prepare<[string, number]>('UPDATE experiments SET status = ? WHERE id = ?');
    this.updateSpec = db.prepare<[string, number]>('UPDATE experiments SET spec = ? WHERE id = ?');
    this.exists = db.prepare<[number], number>('SELECT 1 FROM experiments WHERE id = ?').pluck();
    this.checkpointPaths = db
      .prepare<[number], string>('SELECT c.path FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE r.experiment_id = ? ORDER BY c.id')
      .pluck();
    this.deleteOne = db.prepare<[number]>('DELETE FROM experiments WHERE id = ?');
    this.claimOf = db.prepare<[number], ExperimentStatus>('SELECT status FROM experiments WHERE id = ?').pluck();
  }

  create(spec: ExperimentSpec, runs: NewRun[]): { experimentId: number; runIds: number[] } {
    return guard('could not save the experiment', () =>
      this.db.transaction(() => {
        const createdAt = nowIso();
        const experimentId = Number(
          this.insertExperiment.run(spec.name, spec.notes, 'running', JSON.stringify(spec), createdAt).lastInsertRowid,
        );
        return { experimentId, runIds: this.insertRuns(experimentId, runs, createdAt) };
      })(),
    );
  }

  addRuns(experimentId: number, runs: NewRun[], grownSpec?: ExperimentSpec): number[] {
    return guard(`could not add runs to experiment ${experimentId}`, () =>
      this.db.transaction(() => {
        if (this.exists.get(experimentId) === undefined) throw new RangeError(`there is no experiment ${experimentId}`);
        if (grownSpec) this.updateSpec.run(JSON.stringify(grownSpec), experimentId);
        return this.insertRuns(experimentId, runs, nowIso());
      })(),
    );
  }

  private insertRuns(experimentId: number, runs: NewRun[], createdAt: string): number[] {
    return runs.map((run) => {
      const { config, accounting } = run;
      return Number(
        this.insertRun.run(experimentId, run.index, JSON.stringify(config.params), JSON.stringify(config), JSON.stringify(accounting), createdAt).lastInsertRowid,
      );
    });
  }

  list(): ExperimentSummary[] {
    // One read transaction, so the three queries see the same snapshot while runs are being written.
    return guard('could not list experiments', () =>
      this.db.transaction(() => {
        const rows = this.listAll.all();
        const counts = groupCounts(this.countsAll.all());
        const best = new Map(this.bestAll.all().map((row) => [row.experiment_id, row]));
        return rows.map((row) => toSummary(row, counts.get(row.id), best.get(row.id)));
      })(),
    );
  }

  get(experimentId: number): { summary: ExperimentSummary; spec: ExperimentSpec } | null {
    return guard(`could not read experiment ${experimentId}`, () =>
      this.db.transaction(() => {
        const row = this.getOne.get(experimentId);
        if (!row) return null;
        const spec = parseJson<ExperimentSpec>(this.specOf.get(experimentId) as string);
        const counts = groupCounts(this.countsOne.all(experimentId)).get(experimentId);
        return { summary: toSummary(row, counts, this.bestOne.get(experimentId)), spec };
      })(),
    );
  }

  /** Status and progress only: what the runner publishes while trials train (no spec, no best run). */
  state(experimentId: number): { status: ExperimentStatus; progress: ExperimentProgress } | null {
    return guard(`could not read experiment ${experimentId}`, () =>
      this.db.transaction(() => {
        const claim = this.claimOf.get(experimentId);
        if (claim === undefined) return null;
        const summary = toSummary({ status: claim } as ExperimentRow, groupCounts(this.countsOne.all(experimentId)).get(experimentId), undefined);
        return { status: summary.status, progress: summary.progress };
      })(),
    );
  }

  setStatus(experimentId: number, status: ExperimentStatus): void {
    if (!KNOWN_STATUSES.has(status)) throw new RangeError(`unknown experiment status: ${String(status)}`);
    guard(`could not update experiment ${experimentId}`, () =>
      this.db.transaction(() => {
        if (this.updateStatus.run(status, experimentId).changes === 0) throw new RangeError(`there is no experiment ${experimentId}`);
      })(),
    );
  }

  delete(experimentId: number): { deleted: boolean; checkpointPaths: string[] } {
    return guard(`could not delete experiment ${experimentId}`, () =>
      this.db.transaction(() => {
        const checkpointPaths = this.checkpointPaths.all(experimentId) as string[];
        const deleted = this.deleteOne.run(experimentId).changes > 0;
        return { deleted, checkpointPaths };
      })(),
    );
  }
}

function groupCounts(rows: CountRow[]): Map<number, RunCounts> {
  const byExperiment = new Map<number, RunCounts>();
  for (const row of rows) {
    const entry = byExperiment.get(row.experiment_id) ?? { counts: {}, totals: {}, resumableFailures: 0 };
    entry.counts[row.status] = (entry.counts[row.status] ?? 0) + row.n;
    if (row.disk_full) entry.resumableFailures += row.n;
    // For progress, a failure the disk caused is unfinished work.
    const key: RunStatus = row.disk_full ? 'interrupted' : row.status;
    const t = (entry.totals[key] ??= { runs: 0, planned: 0, done: 0 });
    t.runs += row.n;
    t.planned += row.planned;
    t.done += row.done;
    byExperiment.set(row.experiment_id, entry);
  }
  return byExperiment;
}

/**
 * A TPE study that stopped proposing short of its trial count has every run ended yet work left: the runner
 * and the start-up repair store it `interrupted`, and that word stands where the runs alone say finished.
 */
function shownStatus(derived: ExperimentStatus, stored: string): ExperimentStatus {
  return derived === 'finished' && stored === 'interrupted' ? 'interrupted' : derived;
}

function toSummary(row: ExperimentRow, runs: RunCounts | undefined, best: BestRow | undefined): ExperimentSummary {
  const { counts, totals, resumableFailures } = runs ?? { counts: {}, totals: {}, resumableFailures: 0 };
  return {
    id: row.id,
    name: row.name,
    notes: row.notes,
    tags: parseTags(row.tags),
    status: shownStatus(experimentStatus(counts, row.status === 'running', resumableFailures), row.status),
    createdAt: row.created_at,
    datasetId: row.dataset_id,
    template: row.template,
    trialCount: row.trial_count,
    counts,
    progress: experimentProgress(totals),
    bestValLoss: best?.val_loss ?? null,
    bestRunId: best?.run_id ?? null,
  };
}
