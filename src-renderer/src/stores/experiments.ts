/** The experiment list: loaded on demand, kept fresh by events (debounced, since a grid sends bursts). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { EpochlabEvent, ExperimentSpecInput, ExperimentSummary } from '../contract';
import { debounce } from '../lib/debounce';
import { DEMO_SPEC } from '../form/demo';
import { apiClient } from './client';
import { useListLoader } from './list-loader';

export const REFRESH_DEBOUNCE_MS = 400;

export const useExperimentsStore = defineStore('experiments', () => {
  const { items, loaded, loading, error, load } = useListLoader<ExperimentSummary>(() => apiClient().call('listExperiments', {}));

  const refresh = debounce(() => void load(), REFRESH_DEBOUNCE_MS, 3000);

  function handleEvent(event: EpochlabEvent): void {
    // Progress ticks do not change the list; status changes (counts, best loss) do.
    if (!loaded.value) return;
    if (event.type === 'experiment-status' || event.type === 'run-status') refresh.schedule();
  }

  async function create(spec: ExperimentSpecInput): Promise<ExperimentSummary> {
    const created = await apiClient().call('createExperiment', { spec });
    items.value = [created, ...items.value.filter((e) => e.id !== created.id)];
    return created;
  }

  function createDemo(): Promise<ExperimentSummary> {
    return create(DEMO_SPEC);
  }

  async function cancel(experimentId: number): Promise<number> {
    const { cancelled } = await apiClient().call('cancelExperiment', { experimentId });
    refresh.schedule();
    return cancelled;
  }

  /**
   * What the services said about the last Resume of each experiment (a resume point not used, and why; a run
   * training again from scratch), kept until the next Resume so the experiment page shows it wherever Resume
   * was pressed.
   */
  const resumeNotes = ref<Record<number, string[]>>({});

  /** Trains what is left of a stopped or interrupted experiment, each run from its last usable resume point. */
  async function resume(experimentId: number): Promise<{ queued: number; notes: string[] }> {
    const result = await apiClient().call('resumeExperiment', { experimentId });
    resumeNotes.value = { ...resumeNotes.value, [experimentId]: result.notes };
    refresh.schedule();
    return result;
  }

  async function remove(experimentId: number): Promise<void> {
    await apiClient().call('deleteExperiment', { experimentId });
    items.value = items.value.filter((e) => e.id !== experimentId);
  }

  return { items, loaded, loading, error, load, handleEvent, create, createDemo, cancel, resume, resumeNotes, remove };
});
