/** RunStore on one better-sqlite3 connection; each concern lives in its own query module. */
import type Database from 'better-sqlite3';
import type {
  CheckpointInfo, EpochMetric, ExperimentProgress, ExperimentSpec, ExperimentStatus, ExperimentSummary, IterationMetric, IterationSeriesName,
  Monitor, RunInsight, RunInsightRows, RunSummary, SeriesPoint, TrialConfig,
} from '../contract';
import type { NewRun, RunEndInfo, RunStartInfo, RunStore } from './run-store';
import { AnnotationQueries } from './annotations';
import { ExperimentQueries } from './experiments';
import { RunQueries } from './runs';
import { MetricQueries } from './metrics';
import { SeriesQueries } from './series';
import { AnalysisQueries } from './analysis';

export class SqliteRunStore implements RunStore {
  private readonly experiments: ExperimentQueries;
  private readonly runs: RunQueries;
  private readonly metrics: MetricQueries;
  private readonly series: SeriesQueries;
  private readonly analysis: AnalysisQueries;
  private readonly runNotes: AnnotationQueries;
  private readonly experimentNotes: AnnotationQueries;

  constructor(private readonly db: Database.Database) {
    this.experiments = new ExperimentQueries(db);
    this.runs = new RunQueries(db);
    this.metrics = new MetricQueries(db);
    this.series = new SeriesQueries(db);
    this.analysis = new AnalysisQueries(db);
    this.runNotes = new AnnotationQueries(db, 'runs');
    this.experimentNotes = new AnnotationQueries(db, 'experiments');
  }

  createExperiment(spec: ExperimentSpec, runs: NewRun[]): { experimentId: number; runIds: number[] } {
    return this.experiments.create(spec, runs);
  }
  listExperiments(): ExperimentSummary[] {
    return this.experiments.list();
  }
  getExperiment(experimentId: number): { summary: ExperimentSummary; spec: ExperimentSpec } | null {
    return this.experiments.get(experimentId);
  }
  experimentState(experimentId: number): { status: ExperimentStatus; progress: ExperimentProgress } | null {
    return this.experiments.state(experimentId);
  }
  setExperimentStatus(experimentId: number, status: ExperimentStatus): void {
    this.experiments.setStatus(experimentId, status);
  }
  addRuns(experimentId: number, runs: NewRun[], grownSpec?: ExperimentSpec): number[] {
    return this.experiments.addRuns(experimentId, runs, grownSpec);
  }
  changeExperimentTags(experimentId: number, change: (current: string[]) => string[]): string[] {
    return this.experimentNotes.changeTags(experimentId, change);
  }
  setExperimentNotes(experimentId: number, notes: string): void {
    this.experimentNotes.setNotes(experimentId, notes);
  }
  deleteExperiment(experimentId: number): { deleted: boolean; checkpointPaths: string[] } {
    return this.experiments.delete(experimentId);
  }

  listRuns(experimentId: number): RunSummary[] {
    return this.runs.list(experimentId);
  }
  getRun(runId: number): { summary: RunSummary; config: TrialConfig } | null {
    return this.runs.get(runId);
  }
  queuedRuns(experimentId: number): RunSummary[] {
    return this.runs.queued(experimentId);
  }
  changeRunTags(runId: number, change: (current: string[]) => string[]): string[] {
    return this.runNotes.changeTags(runId, change);
  }
  setRunNotes(runId: number, notes: string): void {
    this.runNotes.setNotes(runId, notes);
  }
  markRunStarted(runId: number, info: RunStartInfo): void {
    this.runs.markStarted(runId, info);
  }
  markRunEnded(runId: number, info: RunEndInfo): void {
    this.runs.markEnded(runId, info);
  }
  requeueRun(runId: number, resumeAfterEpoch?: { epoch: number; bestEpoch: number | null }): void {
    this.db.transaction(() => {
      this.runs.requeue(runId, resumeAfterEpoch?.epoch ?? 0, resumeAfterEpoch?.bestEpoch ?? null);
      this.analysis.clear(runId, resumeAfterEpoch?.epoch ?? 0);
    })();
  }
  interruptStaleRuns(): number {
    return this.runs.interruptStale();
  }

  appendIterations(runId: number, rows: IterationMetric[]): void {
    this.metrics.appendIterations(runId, rows);
  }
  appendEpoch(runId: number, row: EpochMetric, bestEpoch: number | null): void {
    this.metrics.appendEpoch(runId, row, bestEpoch);
  }
  addCheckpoint(runId: number, checkpoint: CheckpointInfo): void {
    this.metrics.addCheckpoint(runId, checkpoint);
  }
  getEpochs(runId: number): EpochMetric[] {
    return this.metrics.getEpochs(runId);
  }
  getMonitorValues(experimentId: number, monitor: Monitor): Map<number, Map<number, number | null>> {
    return this.metrics.getMonitorValues(experimentId, monitor);
  }
  getCheckpoints(runId: number): CheckpointInfo[] {
    return this.metrics.getCheckpoints(runId);
  }
  getIterationSeries(runId: number, series: IterationSeriesName, maxPoints: number): SeriesPoint[] {
    return this.series.get(runId, series, maxPoints);
  }
  getIterations(runId: number): IterationMetric[] {
    return this.metrics.getIterations(runId);
  }

  saveInsight(runId: number, insight: RunInsight): void {
    this.analysis.save(runId, insight);
  }
  getInsights(runId: number): RunInsightRows {
    return this.analysis.get(runId);
  }

  close(): void {
    // Closing twice is harmless, so shutdown paths need not track who closed first.
    if (this.db.open) this.db.close();
  }
}
