/** One run's detail (config, accounting, epochs, checkpoints), refetched when its status changes. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { EpochlabEvent, RunDetail } from '../contract';
import { toApiError } from '../api/errors';
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

  async function tag(add: string[], remove: string[]): Promise<void> {
    const runId = id.value;
    if (runId === null) return;
    const { tags } = await apiClient().call('tagRun', { runId, add, remove });
    if (detail.value && id.value === runId) detail.value.tags = tags;
  }

  async function setNotes(notes: string): Promise<void> {
    const runId = id.value;
    if (runId === null) return;
    const saved = await apiClient().call('setRunNotes', { runId, notes });
    if (detail.value && id.value === runId) detail.value.notes = saved.notes;
  }

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
