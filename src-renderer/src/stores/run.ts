/** One run's detail (config, accounting, epochs, checkpoints), refetched when its status changes. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { EpochlabEvent, RunDetail } from '../contract';
import { toApiError } from '../api/errors';
import { changeTags, saveNotes } from './annotate';
import { apiClient } from './client';
import { useConnectionStore } from './connection';

export const useRunStore = defineStore('run', () => {
  const id = ref<number | null>(null);
  const detail = ref<RunDetail | null>(null);
  const error = ref<string | null>(null);
  const notFound = ref(false);

  async function load(): Promise<void> {
    const runId = id.value;
    if (runId === null) return;
    try {
      const got = await apiClient().call('getRun', { runId });
      if (id.value !== runId) return;
      detail.value = got;
      error.value = null;
      notFound.value = false;
    } catch (e) {
      useConnectionStore().reportError(e);
      if (id.value !== runId) return;
      const err = toApiError(e);
      error.value = err.message;
      notFound.value = err.code === 'not-found';
    }
  }

  async function open(runId: number): Promise<void> {
    if (id.value !== runId) {
      id.value = runId;
      detail.value = null;
    }
    await load();
  }

  /** Tags and notes of the open run, as the server stored them. */
  async function annotate<T>(call: (runId: number) => Promise<T>, apply: (run: RunDetail, value: T) => void): Promise<void> {
    const runId = id.value;
    if (runId === null) return;
    const value = await call(runId);
    if (detail.value && id.value === runId) apply(detail.value, value);
  }
  const tag = (add: string[], remove: string[]) => annotate((runId) => changeTags({ runId }, add, remove), (run, tags) => (run.tags = tags));
  const setNotes = (notes: string) => annotate((runId) => saveNotes({ runId }, notes), (run, saved) => (run.notes = saved));

  function handleEvent(event: EpochlabEvent): void {
    if (id.value === null || !('runId' in event) || event.runId !== id.value) return;
    if (event.type === 'run-status') void load();
    if (event.type === 'run-epoch' && detail.value) {
      detail.value.epochsDone = event.metric.epoch;
      detail.value.stepsDone = event.metric.step;
    }
  }

  return { id, detail, error, notFound, open, load, handleEvent, tag, setNotes };
});
