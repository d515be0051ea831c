/**
 * The open experiment: its detail (spec + runs), live progress per running run and a short rolling window
 * of batch losses from run-progress events, for the live chart while trials train.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import { canResumeExperiment, isResumable, type EpochlabEvent, type ExperimentDetail, type ExperimentProgress, type RunSummary } from '../contract';
import { toApiError } from '../api/errors';
import { debounce } from '../lib/debounce';
import type { LiveProgress } from '../lib/progress';
import { changeTags, saveNotes } from './annotate';
import { apiClient } from './client';
import { useConnectionStore } from './connection';
import { useExperimentsStore } from './experiments';

export const LIVE_LOSS_POINTS = 600;
export const DETAIL_REFRESH_MS = 700;
/** While trials stream epochs, best values still refresh this often. */
export const DETAIL_REFRESH_MAX_WAIT_MS = 2500;

export interface LiveLossPoint {
  step: number;
  elapsedMs: number;
  loss: number | null;
}

export const useExperimentStore = defineStore('experiment', () => {
  const id = ref<number | null>(null);
  const detail = ref<ExperimentDetail | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const notFound = ref(false);
  const live = ref<Record<number, LiveProgress>>({});
  const liveLoss = shallowRef<Record<number, LiveLossPoint[]>>({});

  /** The experiment's progress from the latest live event, until the next fetch brings a fresh summary. */
  const liveProgress = ref<ExperimentProgress | null>(null);

  const runs = computed<RunSummary[]>(() => detail.value?.runs ?? []);
  const progress = computed<ExperimentProgress | null>(() => liveProgress.value ?? detail.value?.progress ?? null);

  async function load(): Promise<void> {
    const experimentId = id.value;
    if (experimentId === null) return;
    loading.value = true;
    try {
      const got = await apiClient().call('getExperiment', { experimentId });
      // The user may have opened another experiment meanwhile.
      if (id.value !== experimentId) return;
      detail.value = got;
      // Keep the live ETA while trials train; the counts in the fresh summary are as new as the event's.
      liveProgress.value = got.status === 'running' && liveProgress.value ? { ...got.progress, etaSeconds: liveProgress.value.etaSeconds } : null;
      error.value = null;
      notFound.value = false;
      // Progress of runs that ended is no longer live.
      const next: Record<number, LiveProgress> = {};
      for (const run of got.runs) if (run.status === 'running' && live.value[run.id]) next[run.id] = live.value[run.id];
      live.value = next;
    } catch (e) {
      const err = toApiError(e);
      useConnectionStore().reportError(e);
      if (id.value !== experimentId) return;
      error.value = err.message;
      notFound.value = err.code === 'not-found';
    } finally {
      loading.value = false;
    }
  }

  const refresh = debounce(() => void load(), DETAIL_REFRESH_MS, DETAIL_REFRESH_MAX_WAIT_MS);

  async function open(experimentId: number): Promise<void> {
    if (id.value !== experimentId) {
      id.value = experimentId;
      detail.value = null;
      live.value = {};
      liveProgress.value = null;
      liveLoss.value = {};
      error.value = null;
      notFound.value = false;
    }
    refresh.cancel();
    await load();
  }

  function close(): void {
    refresh.cancel();
    id.value = null;
    detail.value = null;
  }

  function patchRun(runId: number, patch: Partial<RunSummary>): void {
    const d = detail.value;
    if (!d) return;
    const run = d.runs.find((r) => r.id === runId);
    if (run) Object.assign(run, patch);
  }

  function handleEvent(event: EpochlabEvent): void {
    if (id.value === null || !('experimentId' in event) || event.experimentId !== id.value) return;
    switch (event.type) {
      case 'run-progress': {
        const { step, totalSteps, epoch, loss, elapsedMs, samplesPerSecond } = event;
        live.value = { ...live.value, [event.runId]: { step, totalSteps, epoch, loss, elapsedMs, samplesPerSecond } };
        liveProgress.value = event.experimentProgress;
        const points = liveLoss.value[event.runId] ?? [];
        points.push({ step, elapsedMs, loss });
        if (points.length > LIVE_LOSS_POINTS) points.splice(0, points.length - LIVE_LOSS_POINTS);
        liveLoss.value[event.runId] = points;
        triggerRef(liveLoss);
        const run = detail.value?.runs.find((r) => r.id === event.runId);
        if (run && run.status === 'queued') patchRun(event.runId, { status: 'running' });
        break;
      }
      case 'run-epoch':
        patchRun(event.runId, { epochsDone: event.metric.epoch, stepsDone: event.metric.step });
        // Best values are computed by the server; fetch them once the burst settles.
        refresh.schedule();
        break;
      case 'run-status':
        patchRun(event.runId, { status: event.status, error: event.error, endReason: event.endReason });
        refresh.schedule();
        break;
      case 'experiment-status':
        if (detail.value) {
          detail.value.status = event.status;
          detail.value.progress = event.progress;
        }
        liveProgress.value = null;
        refresh.schedule();
        break;
    }
  }

  async function cancel(): Promise<number> {
    if (id.value === null) return 0;
    const { cancelled } = await apiClient().call('cancelExperiment', { experimentId: id.value });
    refresh.schedule();
    return cancelled;
  }

  /** Resume has work to do (the services' status, derived with the contract's isResumable). */
  const resumable = computed(() => detail.value !== null && canResumeExperiment(detail.value.status));
  /** Runs that failed only because the disk was full: resumable failures, not the run's fault. */
  const diskFullRuns = computed(() => runs.value.filter((r) => r.status === 'failed' && isResumable(r)));

  async function resume(): Promise<number> {
    if (id.value === null) return 0;
    const { queued } = await useExperimentsStore().resume(id.value);
    await load();
    return queued;
  }

  async function cancelRun(runId: number): Promise<boolean> {
    const { cancelled } = await apiClient().call('cancelRun', { runId });
    refresh.schedule();
    return cancelled;
  }

  /** Tags, notes: applied to the open experiment (or one of its runs) as the server stored them. */
  async function tagExperiment(add: string[], remove: string[]): Promise<void> {
    const experimentId = id.value;
    if (experimentId === null) return;
    const tags = await changeTags({ experimentId }, add, remove);
    if (detail.value && id.value === experimentId) detail.value.tags = tags;
  }
  async function setNotes(notes: string): Promise<void> {
    const experimentId = id.value;
    if (experimentId === null) return;
    const saved = await saveNotes({ experimentId }, notes);
    if (detail.value && id.value === experimentId) detail.value.notes = saved;
  }
  async function tagRun(runId: number, add: string[], remove: string[]): Promise<void> {
    patchRun(runId, { tags: await changeTags({ runId }, add, remove) });
  }

  return {
    id, detail, loading, error, notFound, live, liveLoss, runs, progress, resumable, diskFullRuns,
    open, close, load, handleEvent, cancel, resume, cancelRun, tagExperiment, setNotes, tagRun,
  };
});
