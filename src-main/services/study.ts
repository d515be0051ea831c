/**
 * The study loop of each training experiment. It listens to the runner's events:
 * - after every epoch row, it asks the pure pruner (engine/search/pruners) whether the run is hopeless
 *   given the other runs' values of the objective's monitor, and stops it through the runner if so;
 * - whenever a run ends, a TPE study asks the sampler (engine/search/study) for the next configuration,
 *   stores its runs and submits them, keeping at most `concurrency` of its runs in the pool. Queued and
 *   running runs are part of what the sampler sees, so they are never proposed again.
 * Everything it needs is read back from the store when a study starts (or resumes), so an interrupted
 * study continues from what is stored.
 */
import {
  FINISHED_STATUSES, MONITOR_FIELD, iterationAccounting, resolveObjective,
  type EpochlabEvent, type ExperimentSpec, type Objective, type RunStatus, type TrialParams,
} from '../contract';
import { COMPLETE_STATUSES, proposeNextTrials, shouldPrune, type StudyTrial } from '../engine/search';
import { checkpointDirOf, removeResumePoints } from '../engine/training/checkpoint-layout';
import type { NewRun, RunStore } from '../store';
import { inDataDir } from './data-dir';
import type { ExperimentRunner } from './runner';

interface StudyRun {
  index: number;
  params: TrialParams;
  status: RunStatus;
}

interface ActiveStudy {
  spec: ExperimentSpec;
  objective: Objective;
  nTrain: number;
  runs: Map<number, StudyRun>;
  /** Run id → epoch → the objective monitor's value. */
  values: Map<number, Map<number, number | null>>;
  /** False once one of its runs was cancelled: no more proposals in this session. */
  proposing: boolean;
}

export interface StudyOptions {
  dataDir: string;
  /** Runs of one study in the pool at once: the pool's concurrency. */
  concurrency: number;
}

export class StudyService {
  private readonly studies = new Map<number, ActiveStudy>();

  constructor(
    private readonly store: RunStore,
    private readonly runner: ExperimentRunner,
    private readonly options: StudyOptions,
  ) {}

  /**
   * Starts (or continues) the study loop of an experiment whose queued runs the runner already has:
   * reloads what is stored and proposes new trials into free slots. Returns how many runs it submitted.
   */
  start(experimentId: number, spec: ExperimentSpec, nTrain: number): number {
    const runs = new Map<number, StudyRun>();
    for (const r of this.store.listRuns(experimentId)) runs.set(r.id, { index: r.index, params: r.params, status: r.status });
    const objective = resolveObjective(spec);
    const values = this.store.getMonitorValues(experimentId, objective.monitor);
    this.studies.set(experimentId, { spec, objective, nTrain, runs, values, proposing: true });
    const started = this.fill(experimentId);
    this.forgetIfIdle(experimentId);
    return started;
  }

  /** No more proposals or pruning for this experiment (it was cancelled or deleted). */
  stop(experimentId: number): void {
    this.studies.delete(experimentId);
  }

  stopAll(): void {
    this.studies.clear();
  }

  isActive(experimentId: number): boolean {
    return this.studies.has(experimentId);
  }

  onEvent(event: EpochlabEvent): void {
    if (event.type !== 'run-epoch' && event.type !== 'run-status') return;
    const study = this.studies.get(event.experimentId);
    if (!study) return;
    if (event.type === 'run-epoch') {
      const value = event.metric[MONITOR_FIELD[study.objective.monitor]];
      let values = study.values.get(event.runId);
      if (!values) study.values.set(event.runId, (values = new Map()));
      values.set(event.metric.epoch, value !== null && Number.isFinite(value) ? value : null);
      this.judge(study, event.runId, event.metric.epoch);
      return;
    }
    const run = study.runs.get(event.runId);
    if (run) run.status = event.status;
    if (!FINISHED_STATUSES.has(event.status)) return;
    // Cancelling is stopping, whichever way it came (the experiment's Cancel, one run's, Ctrl-C): the
    // cancelled run never makes room for a new proposal (runs still training are still judged); resume
    // continues the study.
    if (event.status === 'cancelled') study.proposing = false;
    if (event.status === 'pruned') {
      // A pruned run is never resumed: its resume point is dead weight.
      removeResumePoints(inDataDir(this.options.dataDir, checkpointDirOf(event.runId)));
    }
    this.fill(event.experimentId);
    this.forgetIfIdle(event.experimentId);
  }

  /** Asks the pruner about a run that just finished `epoch`. */
  private judge(study: ActiveStudy, runId: number, epoch: number): void {
    const { pruning } = study.spec;
    const run = study.runs.get(runId);
    if (!pruning || pruning.method === 'none' || !run) return;
    const others: Array<{ values: ReadonlyMap<number, number | null>; complete: boolean }> = [];
    for (const [id, other] of study.runs) {
      if (id === runId) continue;
      others.push({ values: study.values.get(id) ?? new Map(), complete: COMPLETE_STATUSES.has(other.status) });
    }
    const decision = shouldPrune(pruning, {
      epoch, finalEpoch: run.params.epochs, values: study.values.get(runId) ?? new Map(), others,
      direction: study.objective.direction, monitor: study.objective.monitor,
    });
    if (decision) this.runner.pruneRun(runId, epoch, decision.reason);
  }

  /** Proposes TPE trials while the study has fewer runs in the pool than the concurrency. */
  private fill(experimentId: number): number {
    const study = this.studies.get(experimentId);
    if (!study || !study.proposing || study.spec.search.method !== 'tpe') return 0;
    let started = 0;
    while (this.runner.activeRunIds(experimentId).length < this.options.concurrency) {
      const trials: StudyTrial[] = [...study.runs.entries()]
        .sort((a, b) => a[1].index - b[1].index)
        .map(([id, r]) => ({ params: r.params, status: r.status, values: study.values.get(id) ?? new Map() }));
      const next = proposeNextTrials(study.spec, trials);
      if (!next) break;
      const firstIndex = Math.max(-1, ...[...study.runs.values()].map((r) => r.index)) + 1;
      const newRuns: NewRun[] = next.map((params, i) => ({
        index: firstIndex + i,
        config: { params, model: study.spec.model, dataset: study.spec.dataset, validation: study.spec.validation, training: study.spec.training },
        accounting: iterationAccounting(study.nTrain, params.batchSize, params.epochs, study.spec.training.dropLastBatch),
      }));
      let ids: number[];
      try {
        ids = this.store.addRuns(experimentId, newRuns);
      } catch {
        // The store cannot write (disk full): stop proposing; what runs ends as usual and can be resumed.
        this.studies.delete(experimentId);
        break;
      }
      ids.forEach((id, i) => study.runs.set(id, { index: newRuns[i].index, params: newRuns[i].config.params, status: 'queued' }));
      this.runner.start(experimentId, ids.map((id, i) => ({ id, config: newRuns[i].config, accounting: newRuns[i].accounting, resume: false })));
      started += ids.length;
    }
    return started;
  }

  private forgetIfIdle(experimentId: number): void {
    if (!this.runner.isActive(experimentId)) this.studies.delete(experimentId);
  }
}
