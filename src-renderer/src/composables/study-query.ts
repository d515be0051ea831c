/**
 * A study answer from the server (optimisation history, importance) for one experiment, fetched again
 * whenever one of its runs finishes: nothing else can change it.
 */
import { computed, ref, watch, type Ref } from 'vue';
import { FINISHED_STATUSES, type ApiOutputs, type ApiRawInput, type RunSummary } from '../contract';
import { apiClient } from '../stores/client';
import { toApiError } from '../api/errors';

type StudyMethod = 'getOptimizationHistory' | 'getParamImportance';

export function useStudyQuery<M extends StudyMethod>(
  method: M,
  source: () => { experimentId: number; runs: readonly RunSummary[] },
): { data: Ref<ApiOutputs[M] | null>; error: Ref<string | null> } {
  const data = ref<ApiOutputs[M] | null>(null) as Ref<ApiOutputs[M] | null>;
  const error = ref<string | null>(null);
  const key = computed(() => {
    const { experimentId, runs } = source();
    return `${experimentId}:${runs.filter((r) => FINISHED_STATUSES.has(r.status)).length}`;
  });
  async function load(): Promise<void> {
    const { experimentId } = source();
    try {
      const got = await apiClient().call(method, { experimentId } as ApiRawInput<M>);
      // Another experiment may have been opened meanwhile.
      if (experimentId !== source().experimentId) return;
      data.value = got as ApiOutputs[M];
      error.value = null;
    } catch (e) {
      error.value = toApiError(e).message;
    }
  }
  watch(key, () => void load(), { immediate: true });
  return { data, error };
}
