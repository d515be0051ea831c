/** The study methods of the API: growing a study, its optimisation history, its parameter importance. */
import {
  ApiError, experimentSpecSchema, fieldIssues, iterationAccounting, resolveObjective,
  type EpochlabApi, type ExperimentSpec, type FieldIssue, type ParamImportance,
} from '../contract';
import {
  COMPLETE_STATUSES, MIN_IMPORTANCE_TRIALS, addedTrials, extendedSpec, objectiveValue, optimizationHistory, paramImportance,
  plannedTrials, searchSpaceOf, specIssues,
} from '../engine/search';
import type { ApiDeps } from './api';
import { assertCanTrain, previewSpec, storedSpec } from './experiments-api';

type StudyMethods = 'extendExperiment' | 'getOptimizationHistory' | 'getParamImportance';

/** Where a problem with the grown spec shows in the extend request: `params.lr` → `add.lr`, the count → `trials`. */
function requestPath(specPath: string): string {
  const path = specPath.replace(/^spec\./, '');
  if (path.startsWith('params.')) return `add.${path.slice('params.'.length)}`;
  if (path === 'search.trials') return 'trials';
  return path;
}

function invalid(issues: FieldIssue[]): ApiError {
  return new ApiError('invalid', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

export function studyApi(deps: ApiDeps): Pick<EpochlabApi, StudyMethods> {
  const { store, runner, study, dataDir } = deps;
  // fANOVA takes a moment: answers are kept until the experiment's trials or values change.
  const importanceCache = new Map<number, { key: string; result: ParamImportance }>();

  const objectiveRuns = (experimentId: number, spec: ExperimentSpec) => {
    const objective = resolveObjective(spec);
    const values = store.getMonitorValues(experimentId, objective.monitor);
    const runs = store.listRuns(experimentId).map((r) => ({ ...r, values: values.get(r.id) ?? new Map<number, number | null>() }));
    return { objective, runs };
  };

  return {
    extendExperiment: async ({ experimentId, trials, add }) => {
      const spec = storedSpec(store, experimentId);
      assertCanTrain(deps);
      const grownOrIssues = extendedSpec(spec, { trials, add });
      if ('issues' in grownOrIssues) throw invalid(grownOrIssues.issues);
      // The grown spec must pass every rule a new spec passes (values in range, grid size, trial limit).
      const parsed = experimentSpecSchema.safeParse(grownOrIssues.spec);
      if (!parsed.success) throw invalid(fieldIssues(parsed.error).map((i) => ({ ...i, path: requestPath(i.path) })));
      const grown = parsed.data;
      const crossIssues = specIssues(grown);
      if (crossIssues.length) throw invalid(crossIssues.map((i) => ({ ...i, path: requestPath(i.path) })));
      let preview;
      try {
        preview = await previewSpec(grown, dataDir);
      } catch (error) {
        if (error instanceof ApiError) throw invalid(error.issues.map((i) => ({ ...i, path: requestPath(i.path) })));
        throw error;
      }
      const stored = store.listRuns(experimentId);
      const firstIndex = Math.max(-1, ...stored.map((r) => r.index)) + 1;
      const newParams = grown.search.method === 'tpe' ? [] : addedTrials(grown, stored.map((r) => r.params));
      if (grown.search.method !== 'tpe' && newParams.length === 0) {
        throw invalid([{ path: 'add', message: 'these values are in the grid already: no new trial' }]);
      }
      const newRuns = newParams.map((params, i) => ({
        index: firstIndex + i,
        config: { params, model: grown.model, dataset: grown.dataset, validation: grown.validation, training: grown.training },
        accounting: iterationAccounting(preview.nTrain, params.batchSize, params.epochs, grown.training.dropLastBatch),
      }));
      const ids = store.addRuns(experimentId, newRuns, grown);
      runner.start(experimentId, ids.map((id, i) => ({ id, config: newRuns[i].config, accounting: newRuns[i].accounting, resume: false })));
      // Registers the new runs for pruning; a TPE study proposes its new trials into free slots.
      const proposed = study.start(experimentId, grown, preview.nTrain);
      const added = grown.search.method === 'tpe' ? trials! * searchSpaceOf(grown).seeds.length : ids.length;
      return { added, plannedTrials: plannedTrials(grown, stored.length + ids.length + proposed) };
    },

    getOptimizationHistory: async ({ experimentId }) => {
      const spec = storedSpec(store, experimentId);
      const { objective, runs } = objectiveRuns(experimentId, spec);
      return { objective, ...optimizationHistory(runs, objective) };
    },

    getParamImportance: async ({ experimentId }) => {
      const spec = storedSpec(store, experimentId);
      const { objective, runs } = objectiveRuns(experimentId, spec);
      const { dims } = searchSpaceOf(spec);
      const trials = runs.flatMap((r) => {
        const value = COMPLETE_STATUSES.has(r.status) ? objectiveValue(r.values, objective.direction) : null;
        return value === null ? [] : [{ runId: r.id, params: r.params as unknown as Record<string, number | string>, value }];
      });
      const key = JSON.stringify([objective, trials.map((t) => [t.runId, t.value])]);
      const cached = importanceCache.get(experimentId);
      if (cached?.key === key) return cached.result;
      const base = { objective, method: 'fanova' as const, trials: trials.length, minimumTrials: MIN_IMPORTANCE_TRIALS };
      let result: ParamImportance;
      if (dims.length === 0) {
        result = { ...base, importances: [], unavailable: 'no hyperparameter varies in this experiment' };
      } else if (trials.length < MIN_IMPORTANCE_TRIALS) {
        result = {
          ...base, importances: [],
          unavailable: `importance needs at least ${MIN_IMPORTANCE_TRIALS} completed trials with a ${objective.monitor}; this experiment has ${trials.length}`,
        };
      } else {
        const { importances } = paramImportance({ dims, trials });
        result = { ...base, importances, unavailable: null };
      }
      importanceCache.set(experimentId, { key, result });
      return result;
    },
  };
}
