/**
 * Metric caches shared by the experiment, compare and run views: epoch rows per run (kept live by
 * run-epoch events) and downsampled iteration series per run. Each series is fetched once: a request
 * already in flight is shared, and a series already held is not asked for again unless the caller wants
 * it refreshed (a run still training).
 */
import { defineStore } from 'pinia';
import { ref, shallowRef, triggerRef } from 'vue';
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

/**
 * Asks for the runs that need it, in calls of at most MAX_RUN_IDS_PER_CALL, and joins requests already on
 * the way for the same key (unless `force`); resolves when every run asked for has arrived.
 */
async function shareRequests(
  requests: Map<string, Promise<void>>,
  runIds: readonly number[],
  keyOf: (id: number) => string,
  needed: (id: number) => boolean,
  fetch: (ids: number[]) => Promise<void>,
  force = false,
): Promise<void> {
  const waits: Promise<void>[] = [];
  const wanted: number[] = [];
  for (const id of new Set(runIds)) {
    const pending = requests.get(keyOf(id));
    if (pending && !force) waits.push(pending);
    else if (needed(id)) wanted.push(id);
  }
  for (const ids of chunks(wanted, MAX_RUN_IDS_PER_CALL)) {
    const request = fetch(ids);
    const keys = ids.map(keyOf);
    for (const key of keys) requests.set(key, request);
    waits.push(
      request.finally(() => {
        for (const key of keys) if (requests.get(key) === request) requests.delete(key);
      }),
    );
  }
  try {
    await Promise.all(waits);
  } catch (e) {
    useConnectionStore().reportError(e);
    throw e;
  }
}

export interface IterationLoadOptions {
  /** Keep series already held with at least `maxPoints` points (finished runs do not change). */
  cached?: boolean;
}

export const useMetricsStore = defineStore('metrics', () => {
  // Plain objects behind shallow refs: tens of thousands of points need no deep reactivity, only a
  // signal that something changed.
  const epochs = shallowRef<Record<number, EpochMetric[]>>({});
  const iterations = shallowRef<Record<string, Record<number, SeriesPoint[]>>>({});
  /** Points asked for per series and run: a later, larger budget fetches again. */
  const iterationBudgets: Record<string, Record<number, number>> = {};
  /** Iteration requests in flight (a view shows a spinner meanwhile). */
  const loadingIterations = ref(0);
  const epochRequests = new Map<string, Promise<void>>();
  const iterationRequests = new Map<string, Promise<void>>();
  /**
   * Epoch events that arrive while a run's rows are being fetched: the answer may have been read before
   * they were stored, so they are merged into it (otherwise epoch 1 of a run that just started could be
   * lost until the next reload).
   */
  const arrivedDuringLoad = new Map<number, EpochMetric[]>();

  async function fetchEpochs(ids: number[]): Promise<void> {
    for (const id of ids) arrivedDuringLoad.set(id, []);
    try {
      const got = await apiClient().call('getEpochMetrics', { runIds: ids });
      const next = { ...epochs.value };
      for (const id of ids) {
        let rows = got[id] ?? [];
        for (const m of arrivedDuringLoad.get(id) ?? []) rows = upsertEpoch(rows, m);
        next[id] = rows;
      }
      epochs.value = next;
    } finally {
      for (const id of ids) arrivedDuringLoad.delete(id);
    }
  }

  async function loadEpochs(runIds: readonly number[], force = false): Promise<void> {
    await shareRequests(epochRequests, runIds, String, (id) => force || !(id in epochs.value), fetchEpochs, force);
  }

  async function fetchIterations(ids: number[], series: IterationSeriesName, maxPoints: number): Promise<void> {
    loadingIterations.value++;
    try {
      const got = await apiClient().call('getIterationSeries', { runIds: ids, series, maxPoints });
      const merged = { ...(iterations.value[series] ?? {}) };
      const budgets = (iterationBudgets[series] ??= {});
      for (const id of ids) {
        merged[id] = got[id] ?? [];
        budgets[id] = maxPoints;
      }
      iterations.value = { ...iterations.value, [series]: merged };
    } finally {
      loadingIterations.value--;
    }
  }

  async function loadIterations(runIds: readonly number[], series: IterationSeriesName, maxPoints: number, options: IterationLoadOptions = {}): Promise<void> {
    const held = (id: number) => id in (iterations.value[series] ?? {}) && (iterationBudgets[series]?.[id] ?? 0) >= maxPoints;
    await shareRequests(iterationRequests, runIds, (id) => `${series}:${maxPoints}:${id}`, (id) => !options.cached || !held(id), (ids) => fetchIterations(ids, series, maxPoints));
  }

  function handleEvent(event: EpochlabEvent): void {
    if (event.type !== 'run-epoch') return;
    const arrived = arrivedDuringLoad.get(event.runId);
    if (arrived) arrived.push(event.metric);
    // Only runs someone is looking at are cached; others load in full when opened.
    const rows = epochs.value[event.runId];
    if (!rows) return;
    epochs.value[event.runId] = upsertEpoch(rows, event.metric);
    triggerRef(epochs);
  }

  function forget(): void {
    epochs.value = {};
    iterations.value = {};
    for (const key of Object.keys(iterationBudgets)) delete iterationBudgets[key];
  }

  return { epochs, iterations, loadingIterations, loadEpochs, loadIterations, handleEvent, forget };
});
