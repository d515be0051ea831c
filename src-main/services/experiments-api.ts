/** The experiment methods of the API: preview, create, list, cancel, resume, delete, export. */
import { rmSync } from 'node:fs';
import {
  ApiError, isResumable, withStoredDefaults, type ExperimentDetail, type ExperimentPreview, type ExperimentSpec, type ExperimentSummary,
} from '../contract';
import { dataIssues, plannedFacts } from '../engine/datasets/rules';
import { plannedTrials, previewExperiment, specIssues } from '../engine/search';
import { checkpointDirOf } from '../engine/training/checkpoint-layout';
import type { ApiDeps, ApiImplementation } from './api';
import { inDataDir } from './data-dir';
import { describeSpecDataset } from './datasets-api';
import { exportCsv, exportJson } from './export';
import { isInsideDir } from './paths';
import { planResume } from './resume-plan';
import type { QueuedRun } from './runner';

type ExperimentMethods =
  | 'previewExperiment' | 'createExperiment' | 'listExperiments' | 'getExperiment' | 'cancelExperiment'
  | 'resumeExperiment' | 'deleteExperiment' | 'exportExperiment';

/** The preview, or ApiError('invalid') with every problem at its spec path (`spec.params.batchSize`). */
export async function previewSpec(spec: ExperimentSpec, dataDir: string): Promise<ExperimentPreview> {
  const train = await describeSpecDataset(spec.dataset, 'dataset.id', dataDir);
  const validation = 'dataset' in spec.validation ? await describeSpecDataset(spec.validation.dataset, 'validation.dataset.id', dataDir) : undefined;
  const issues = [...specIssues(spec), ...dataIssues(plannedFacts(spec.validation, train, validation), spec.model)];
  if (issues.length) {
    // Paths relative to the method's input, like the schema's own issues (`spec.params.batchSize`).
    const rooted = issues.map((i) => ({ path: `spec.${i.path}`, message: i.message }));
    throw new ApiError('invalid', rooted.map((i) => `${i.path}: ${i.message}`).join('; '), rooted);
  }
  // Only now is the search space expanded: every refusal above costs no expansion (docs/reliability.md B3).
  return previewExperiment(spec, { train, validation });
}

export function assertCanTrain(deps: Pick<ApiDeps, 'trainingRefusal'>): void {
  if (deps.trainingRefusal !== null) throw new ApiError('conflict', deps.trainingRefusal);
}

/** An experiment's stored spec with today's defaults, or ApiError('not-found'). */
export function storedSpec(store: ApiDeps['store'], experimentId: number): ExperimentSpec {
  const found = store.getExperiment(experimentId);
  if (!found) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
  return withStoredDefaults(found.spec);
}

export function experimentsApi(deps: ApiDeps): Pick<ApiImplementation, ExperimentMethods> {
  const { store, runner, study, dataDir } = deps;

  const experimentDetail = (experimentId: number): ExperimentDetail => {
    const found = store.getExperiment(experimentId);
    if (!found) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
    const spec = withStoredDefaults(found.spec);
    const runs = store.listRuns(experimentId);
    return { ...found.summary, spec, runs, plannedTrials: plannedTrials(spec, runs.length) };
  };
  const summaryOf = (experimentId: number): ExperimentSummary => {
    const found = store.getExperiment(experimentId);
    if (!found) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
    return found.summary;
  };

  /** What is left to train, from the store, ready for the runner. */
  const queuedRuns = (experimentId: number): QueuedRun[] =>
    store.queuedRuns(experimentId).map((run) => ({
      id: run.id, config: store.getRun(run.id)!.config, accounting: run.accounting,
      // A run queued again with epochs already stored continues from its resume point.
      resume: run.epochsDone > 0,
    }));

  return {
    previewExperiment: async ({ spec }) => previewSpec(spec, dataDir),
    createExperiment: async ({ spec }) => {
      assertCanTrain(deps);
      const result = await previewSpec(spec, dataDir);
      // Grid and random list every trial now; TPE (no listed trials) proposes them as workers free up.
      const runs = result.trials.map((t) => ({
        index: t.index,
        accounting: t.accounting,
        config: { params: t.params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training, analysis: spec.analysis },
      }));
      const { experimentId, runIds } = store.createExperiment(spec, runs);
      runner.start(experimentId, runs.map((run, i) => ({ id: runIds[i], config: run.config, accounting: run.accounting, resume: false })));
      study.start(experimentId, spec, result.nTrain);
      return { ...summaryOf(experimentId), warnings: result.warnings };
    },
    listExperiments: async () => store.listExperiments(),
    getExperiment: async ({ experimentId }) => experimentDetail(experimentId),
    cancelExperiment: async ({ experimentId }) => {
      experimentDetail(experimentId);
      // First the study, so that the cancelled runs do not make room for new proposals.
      study.stop(experimentId);
      return { cancelled: runner.cancelExperiment(experimentId) };
    },
    resumeExperiment: async ({ experimentId }) => {
      const detail = experimentDetail(experimentId);
      assertCanTrain(deps);
      if (runner.isActive(experimentId)) throw new ApiError('conflict', `experiment ${experimentId} is still running`);
      // TPE sizes its proposals' iteration accounting from the dataset, checked before anything is queued again.
      const nTrain = detail.spec.search.method === 'tpe' ? (await previewSpec(detail.spec, dataDir)).nTrain : 0;
      const notes: string[] = [];
      for (const run of detail.runs) {
        if (!isResumable(run)) continue;
        // An end this process saw but could not write (the disk was full) is written now that it can be.
        const unsaved = runner.unsavedEnd(run.id);
        if (unsaved) store.markRunEnded(run.id, { ...unsaved, bestEpoch: null, divergedAtStep: null });
        const plan = planResume(dataDir, run, store.getEpochs(run.id));
        notes.push(...plan.notes);
        store.requeueRun(run.id, plan.from ?? undefined);
      }
      const queued = queuedRuns(experimentId);
      runner.start(experimentId, queued);
      // A TPE study interrupted mid-way proposes what it still lacks.
      const proposed = study.start(experimentId, detail.spec, nTrain);
      return { queued: queued.length + proposed, notes };
    },
    deleteExperiment: async ({ experimentId }) => {
      experimentDetail(experimentId);
      assertCanTrain(deps);
      if (runner.isActive(experimentId)) throw new ApiError('conflict', `experiment ${experimentId} is running; stop it before deleting it`);
      const runIds = store.listRuns(experimentId).map((r) => r.id);
      const { deleted } = store.deleteExperiment(experimentId);
      for (const runId of runIds) removeInside(dataDir, checkpointDirOf(runId));
      study.stop(experimentId);
      return { deleted };
    },
    exportExperiment: async ({ experimentId, format }) => {
      const detail = experimentDetail(experimentId);
      const epochs = new Map(detail.runs.map((r) => [r.id, store.getEpochs(r.id)]));
      return format === 'csv' ? exportCsv(detail, epochs) : exportJson(detail, epochs);
    },
  };
}

/** Deletes a folder under the data folder, refusing anything that resolves outside it. */
function removeInside(root: string, relative: string): void {
  const target = inDataDir(root, relative);
  if (isInsideDir(root, target)) rmSync(target, { recursive: true, force: true });
}
