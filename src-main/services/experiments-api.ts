/** The experiment methods of the API: preview, create, list, cancel, resume, delete, export. */
import { rmSync } from 'node:fs';
import { ApiError, isResumable, type EpochlabApi, type ExperimentDetail, type ExperimentSpec, type ExperimentSummary } from '../contract';
import { previewExperiment, specIssues, trainValSizes } from '../engine/search';
import { checkpointDirOf } from '../engine/training/checkpoint-layout';
import type { ApiDeps } from './api';
import { inDataDir } from './data-dir';
import { describeSpecDataset } from './datasets-api';
import { exportCsv, exportJson } from './export';
import { isInsideDir } from './paths';
import { planResume } from './resume-plan';

type ExperimentMethods =
  | 'previewExperiment' | 'createExperiment' | 'listExperiments' | 'getExperiment' | 'cancelExperiment'
  | 'resumeExperiment' | 'deleteExperiment' | 'exportExperiment';

export function experimentsApi(deps: ApiDeps): Pick<EpochlabApi, ExperimentMethods> {
  const { store, runner, dataDir } = deps;

  const experimentDetail = (experimentId: number): ExperimentDetail => {
    const found = store.getExperiment(experimentId);
    if (!found) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
    return { ...found.summary, spec: found.spec, runs: store.listRuns(experimentId) };
  };
  const summaryOf = (experimentId: number): ExperimentSummary => {
    const found = store.getExperiment(experimentId);
    if (!found) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
    return found.summary;
  };

  const preview = async (spec: ExperimentSpec) => {
    const issues = specIssues(spec);
    const train = await describeSpecDataset(spec.dataset, 'dataset.id', dataDir);
    const validation = 'dataset' in spec.validation ? await describeSpecDataset(spec.validation.dataset, 'validation.dataset.id', dataDir) : undefined;
    if (spec.model.template === 'cnn' && train.inputShape.length !== 3) {
      issues.push({ path: 'model.template', message: `the CNN template needs image data; ${train.name} has samples of shape [${train.inputShape.join(', ')}] — use the MLP template` });
    }
    if (train.classCounts.filter((c) => c > 0).length < 2) {
      issues.push({ path: 'dataset.id', message: `${train.name} has fewer than two classes: there is nothing to classify` });
    }
    if (trainValSizes(spec, { train, validation }).nTrain < 1) issues.push({ path: 'validation.split', message: 'the split leaves no training rows' });
    if (issues.length) {
      // Paths relative to the method's input, like the schema's own issues (`spec.params.batchSize`).
      const rooted = issues.map((i) => ({ path: `spec.${i.path}`, message: i.message }));
      throw new ApiError('invalid', rooted.map((i) => `${i.path}: ${i.message}`).join('; '), rooted);
    }
    // Only now is the search space expanded: every refusal above costs no expansion (docs/reliability.md B3).
    return previewExperiment(spec, { train, validation });
  };

  const assertCanTrain = () => {
    if (deps.trainingRefusal !== null) throw new ApiError('conflict', deps.trainingRefusal);
  };

  return {
    previewExperiment: async ({ spec }) => preview(spec),
    createExperiment: async ({ spec }) => {
      assertCanTrain();
      const result = await preview(spec);
      const runs = result.trials.map((t) => ({
        index: t.index,
        accounting: t.accounting,
        config: { params: t.params, model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training, analysis: spec.analysis },
      }));
      const { experimentId } = store.createExperiment(spec, runs);
      runner.start(experimentId, store.queuedRuns(experimentId));
      return { ...summaryOf(experimentId), warnings: result.warnings };
    },
    listExperiments: async () => store.listExperiments(),
    getExperiment: async ({ experimentId }) => experimentDetail(experimentId),
    cancelExperiment: async ({ experimentId }) => {
      experimentDetail(experimentId);
      return { cancelled: runner.cancelExperiment(experimentId) };
    },
    resumeExperiment: async ({ experimentId }) => {
      const detail = experimentDetail(experimentId);
      assertCanTrain();
      if (runner.isActive(experimentId)) throw new ApiError('conflict', `experiment ${experimentId} is still running`);
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
      const queued = store.queuedRuns(experimentId);
      runner.start(experimentId, queued);
      return { queued: queued.length, notes };
    },
    deleteExperiment: async ({ experimentId }) => {
      experimentDetail(experimentId);
      assertCanTrain();
      if (runner.isActive(experimentId)) throw new ApiError('conflict', `experiment ${experimentId} is running; stop it before deleting it`);
      const runIds = store.listRuns(experimentId).map((r) => r.id);
      const { deleted } = store.deleteExperiment(experimentId);
      for (const runId of runIds) removeInside(dataDir, checkpointDirOf(runId));
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
