/**
 * Analysis results from the services (noise scale, sharpness, LR range test per run; critical batch size,
 * sharpness vs batch size, seed statistics and the LR scaling hint across runs). The views reload them when
 * the runs they show move on (a finished epoch adds a noise-scale row; the end adds sharpness).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { ExperimentAnalysis, RunAnalysis } from '../contract';
import type { AnalysisGroupBy } from '../charts/analysis-groups';
import { apiClient } from './client';
import { useConnectionStore } from './connection';

export const useAnalysisStore = defineStore('analysis', () => {
  const runs = shallowRef<Record<number, RunAnalysis>>({});
  const experiment = shallowRef<ExperimentAnalysis | null>(null);
  const experimentError = ref<string | null>(null);
  /** The request `experiment` answers; a newer request replaces it, a late older answer is dropped. */
  let experimentKey = '';

  async function loadRun(runId: number): Promise<RunAnalysis | null> {
    try {
      const got = await apiClient().call('getRunAnalysis', { runId });
      runs.value = { ...runs.value, [runId]: got };
      return got;
    } catch (e) {
      useConnectionStore().reportError(e);
      return null;
    }
  }

  async function loadExperiment(experimentId: number, runIds: readonly number[], groupBy: AnalysisGroupBy): Promise<void> {
    const key = JSON.stringify([experimentId, runIds, groupBy]);
    experimentKey = key;
    // Another experiment's answer must not be shown under this one while the new one loads.
    if (experiment.value && experiment.value.experimentId !== experimentId) experiment.value = null;
    if (runIds.length === 0) {
      experiment.value = null;
      return;
    }
    try {
      const got = await apiClient().call('getExperimentAnalysis', { experimentId, runIds: [...runIds].slice(0, 1000), groupBy });
      if (experimentKey !== key) return;
      experiment.value = got;
      experimentError.value = null;
    } catch (e) {
      if (experimentKey !== key) return;
      useConnectionStore().reportError(e);
      experimentError.value = e instanceof Error ? e.message : String(e);
    }
  }

  return { runs, experiment, experimentError, loadRun, loadExperiment };
});
