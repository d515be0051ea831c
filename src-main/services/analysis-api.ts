/** The analysis methods of the API: one run's measurements, and what an experiment's runs say together. */
import { ApiError } from '../contract';
import { analyzeExperiment, analyzeRun } from '../engine/analysis/experiment';
import type { ApiDeps, ApiImplementation } from './api';

type AnalysisMethods = 'getRunAnalysis' | 'getExperimentAnalysis';

export function analysisApi({ store }: Pick<ApiDeps, 'store'>): Pick<ApiImplementation, AnalysisMethods> {
  return {
    getRunAnalysis: async ({ runId }) => {
      const found = store.getRun(runId);
      if (!found) throw new ApiError('not-found', `there is no run ${runId}`);
      return analyzeRun(runId, found.config.analysis, store.getInsights(runId));
    },
    getExperimentAnalysis: async ({ experimentId, runIds, groupBy }) => {
      if (!store.getExperiment(experimentId)) throw new ApiError('not-found', `there is no experiment ${experimentId}`);
      const wanted = runIds ? new Set(runIds) : null;
      const runs = store.listRuns(experimentId).filter((r) => !wanted || wanted.has(r.id));
      if (wanted && runs.length < wanted.size) {
        const known = new Set(runs.map((r) => r.id));
        const foreign = [...wanted].filter((id) => !known.has(id));
        const message = `run ${foreign.join(', ')} ${foreign.length > 1 ? 'are' : 'is'} not in experiment ${experimentId}`;
        throw new ApiError('invalid', message, [{ path: 'runIds', message }]);
      }
      return analyzeExperiment(experimentId, runs.map((run) => ({ run, rows: store.getInsights(run.id) })), groupBy);
    },
  };
}
