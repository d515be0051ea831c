/** The run methods of the API: one run, runs from any experiments, their metrics, cancelling a run. */
import { ApiError, type ExperimentWithSpec, type RunSummary } from '../contract';
import type { ApiDeps, ApiImplementation } from './api';

type RunMethods = 'getRun' | 'getRuns' | 'cancelRun' | 'getEpochMetrics' | 'getIterationSeries';

export function runsApi({ store, runner }: Pick<ApiDeps, 'store' | 'runner'>): Pick<ApiImplementation, RunMethods> {
  return {
    getRun: async ({ runId }) => {
      const found = store.getRun(runId);
      if (!found) throw new ApiError('not-found', `there is no run ${runId}`);
      const experimentName = store.getExperiment(found.summary.experimentId)?.summary.name ?? '';
      return { ...found.summary, experimentName, config: found.config, epochs: store.getEpochs(runId), checkpoints: store.getCheckpoints(runId) };
    },
    getRuns: async ({ runIds }) => {
      const runs: RunSummary[] = [];
      const missing: number[] = [];
      const experiments = new Map<number, ExperimentWithSpec>();
      for (const runId of new Set(runIds)) {
        const found = store.getRun(runId);
        if (!found) {
          missing.push(runId);
          continue;
        }
        runs.push(found.summary);
        const experimentId = found.summary.experimentId;
        if (experiments.has(experimentId)) continue;
        const experiment = store.getExperiment(experimentId);
        if (experiment) experiments.set(experimentId, { ...experiment.summary, spec: experiment.spec });
      }
      return { runs, experiments: [...experiments.values()], missing };
    },
    cancelRun: async ({ runId }) => {
      if (!store.getRun(runId)) throw new ApiError('not-found', `there is no run ${runId}`);
      return { cancelled: runner.cancelRun(runId) };
    },
    getEpochMetrics: async ({ runIds }) => Object.fromEntries(runIds.map((id) => [id, store.getEpochs(id)])),
    getIterationSeries: async ({ runIds, series, maxPoints }) =>
      Object.fromEntries(runIds.map((id) => [id, store.getIterationSeries(id, series, maxPoints)])),
  };
}
