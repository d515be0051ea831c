/**
 * Metric caches shared by the experiment, compare and run views: epoch rows per run (kept live by
 * run-epoch events) and downsampled iteration series per run (refetched, throttled, while runs train).
 */
import { defineStore } from 'pinia';
import { shallowRef, triggerRef } from 'vue';
import type { EpochMetric, EpochlabEvent, IterationSeriesName, SeriesPoint } from '../contract';
import { apiClient } from './client';
import { useConnectionStore } from './connection';

/** apiInputSchemas caps runIds at 1000 per call. */
export const MAX_RUN_IDS_PER_CALL = 1000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Inserts or replaces the row of one epoch, keeping epoch order (events can repeat after a resync). */
export function upsertEpoch(rows: readonly EpochMetric[], metric: EpochMetric): EpochMetric[] {
  const out = rows.filter((r) => r.epoch !== metric.epoch);
  out.push(metric);
  return out.sort((a, b) => a.epoch - b.epoch);
}

export const useMetricsStore = defineStore('metrics', () => {
  // Plain objects behind shallow refs: tens of thousands of points need no deep reactivity, only a
  // signal that something changed.
  const epochs = shallowRef<Record<number, EpochMetric[]>>({});
  const iterations = shallowRef<Record<string, Record<number, SeriesPoint[]>>>({});

  async function loadEpochs(runIds: readonly number[], force = false): Promise<void> {
    const wanted = force ? [...runIds] : runIds.filter((id) => !(id in epochs.value));
    if (wanted.length === 0) return;
    try {
      for (const ids of chunks(wanted, MAX_RUN_IDS_PER_CALL)) {
        const got = await apiClient().call('getEpochMetrics', { runIds: ids });
        const next = { ...epochs.value };
        for (const id of ids) next[id] = got[id] ?? [];
        epochs.value = next;
      }
    } catch (e) {
      useConnectionStore().reportError(e);
      throw e;
    }
  }

  async function loadIterations(runIds: readonly number[], series: IterationSeriesName, maxPoints: number): Promise<void> {
    if (runIds.length === 0) return;
    try {
      for (const ids of chunks(runIds, MAX_RUN_IDS_PER_CALL)) {
        const got = await apiClient().call('getIterationSeries', { runIds: ids, series, maxPoints });
        const current = iterations.value[series] ?? {};
        const merged = { ...current };
        for (const id of ids) merged[id] = got[id] ?? [];
        iterations.value = { ...iterations.value, [series]: merged };
      }
    } catch (e) {
      useConnectionStore().reportError(e);
      throw e;
    }
  }

  function handleEvent(event: EpochlabEvent): void {
    if (event.type !== 'run-epoch') return;
    // Only runs someone is looking at are cached; others load in full when opened.
    const rows = epochs.value[event.runId];
    if (!rows) return;
    epochs.value[event.runId] = upsertEpoch(rows, event.metric);
    triggerRef(epochs);
  }

  function forget(): void {
    epochs.value = {};
    iterations.value = {};
  }

  return { epochs, iterations, loadEpochs, loadIterations, handleEvent, forget };
});
