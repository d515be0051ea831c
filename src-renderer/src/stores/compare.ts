/**
 * The Compare view's state (what the URL says: see compare/state.ts) and the runs it names, fetched by id
 * from any experiments with their experiment's name and spec. Summaries of selected runs are refreshed,
 * debounced, when their status or epochs change.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { EpochlabEvent, ExperimentWithSpec, RunSummary } from '../contract';
import { toApiError } from '../api/errors';
import { debounce } from '../lib/debounce';
import { makeRunSet, type RunSet } from '../charts/run-set';
import { defaultState, sameState, type CompareState } from '../compare/state';
export { defaultSelection } from '../compare/state';
import { apiClient } from './client';
import { chunks, MAX_RUN_IDS_PER_CALL } from './metrics';
import { useConnectionStore } from './connection';

export const RUNS_REFRESH_MS = 700;

export const useCompareStore = defineStore('compare', () => {
  const state = ref<CompareState>(defaultState());
  const runs = shallowRef<RunSummary[]>([]);
  const experiments = shallowRef<ExperimentWithSpec[]>([]);
  const missing = ref<number[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  /** The selected runs in the order the URL lists them, with their experiments' names and rules. */
  const set = computed<RunSet>(() => {
    const byId = new Map(runs.value.map((r) => [r.id, r]));
    const selected = state.value.runs.map((id) => byId.get(id)).filter((r): r is RunSummary => r !== undefined);
    return makeRunSet(selected, experiments.value);
  });

  function setState(next: CompareState): void {
    if (!sameState(next, state.value)) state.value = next;
  }

  let generation = 0;
  /** Fetches the summaries of the selected runs (all of them again when `refresh`, else only new ones). */
  async function loadRuns(refresh = false): Promise<void> {
    const wanted = state.value.runs;
    const held = new Set(runs.value.map((r) => r.id));
    const ids = refresh ? wanted : wanted.filter((id) => !held.has(id) && !missing.value.includes(id));
    if (ids.length === 0) return;
    const mine = ++generation;
    loading.value = true;
    try {
      const got = await Promise.all(chunks(ids, MAX_RUN_IDS_PER_CALL).map((part) => apiClient().call('getRuns', { runIds: part })));
      if (mine !== generation && !refresh) return;
      const byId = new Map(runs.value.map((r) => [r.id, r]));
      const owners = new Map(experiments.value.map((e) => [e.id, e]));
      const gone = new Set(missing.value);
      for (const part of got) {
        for (const r of part.runs) {
          byId.set(r.id, r);
          gone.delete(r.id);
        }
        for (const e of part.experiments) owners.set(e.id, e);
        for (const id of part.missing) gone.add(id);
      }
      runs.value = [...byId.values()];
      experiments.value = [...owners.values()];
      missing.value = [...gone].filter((id) => wanted.includes(id));
      error.value = null;
    } catch (e) {
      useConnectionStore().reportError(e);
      error.value = toApiError(e).message;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  const refresh = debounce(() => void loadRuns(true), RUNS_REFRESH_MS, 2500);

  /** Status and best values of a selected run change as it trains: refetch its summary (debounced). */
  function handleEvent(event: EpochlabEvent): void {
    if (event.type !== 'run-status' && event.type !== 'run-epoch') return;
    if (state.value.runs.includes(event.runId)) refresh.schedule();
  }

  return { state, runs, experiments, missing, loading, error, set, setState, loadRuns, handleEvent };
});
