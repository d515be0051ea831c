/** The run methods of the API: one run, its metrics, cancelling it. */
import { ApiError, type EpochlabApi } from '../contract';
import type { ApiDeps } from './api';

type RunMethods = 'getRun' | 'cancelRun' | 'getEpochMetrics' | 'getIterationSeries';

export function runsApi({ store, runner }: Pick<ApiDeps, 'store' | 'runner'>): Pick<EpochlabApi, RunMethods> {
  return {
    getRun: async ({ runId }) => {
      const found = store.getRun(runId);
      if (!found) throw new ApiError('not-found', `there is no run ${runId}`);
      const experimentName = store.getExperiment(found.summary.experimentId)?.summary.name ?? '';
      return { ...found.summary, experimentName, config: found.config, epochs: store.getEpochs(runId), checkpoints: store.getCheckpoints(runId) };
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
