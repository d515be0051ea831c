/**
 * The new-experiment form: its data, a debounced live preview from the server as the user types, and
 * every problem mapped to its field. Run is allowed only when the server has previewed exactly the spec
 * on screen and found nothing wrong.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import { ApiError, type DatasetInfo, type ExperimentPreview, type ExperimentSpecInput, type ExperimentSummary, type FieldIssue } from '../contract';
import { toApiError } from '../api/errors';
import { debounce } from '../lib/debounce';
import { defaultForm, formToSpec, issuesByField, localIssues as findLocalIssues, specToForm, type SpecForm } from '../form/spec-form';
import { apiClient } from './client';
import { useConnectionStore } from './connection';

export const PREVIEW_DEBOUNCE_MS = 350;

export function defaultExperimentName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `Experiment ${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

export const useNewExperimentStore = defineStore('newExperiment', () => {
  const form = reactive<SpecForm>(defaultForm(defaultExperimentName(new Date())));
  const preview = shallowRef<ExperimentPreview | null>(null);
  /** The spec (as JSON) that `preview` / `serverIssues` belong to. */
  const previewedKey = ref<string | null>(null);
  const previewing = ref(false);
  const serverIssues = ref<FieldIssue[]>([]);
  /** A failure that is not about the spec (server unreachable, internal error). */
  const previewError = ref<string | null>(null);
  const loadWarnings = ref<string[]>([]);
  const submitting = ref(false);
  let sequence = 0;

  const built = computed(() => formToSpec(form));
  const specKey = computed(() => JSON.stringify(built.value.spec));
  /** Everything wrong that can be seen without the server, every field at once. */
  const localIssues = computed(() => findLocalIssues(built.value));
  const fieldErrors = computed(() =>
    issuesByField([...localIssues.value, ...(previewedKey.value === specKey.value ? serverIssues.value : [])]),
  );
  const upToDate = computed(() => previewedKey.value === specKey.value && !previewing.value);
  const canRun = computed(
    () =>
      localIssues.value.length === 0 &&
      upToDate.value &&
      preview.value !== null &&
      serverIssues.value.length === 0 &&
      previewError.value === null &&
      preview.value.trialCount > 0 &&
      !submitting.value,
  );

  async function runPreview(): Promise<void> {
    const { spec } = built.value;
    const key = specKey.value;
    // What the form can see is wrong is explained at once, at every field; the server is asked only about a
    // spec the schema accepts (what remains is its to judge: the dataset, the trial count, the split).
    if (localIssues.value.length > 0) {
      previewedKey.value = null;
      return;
    }
    const mine = ++sequence;
    previewing.value = true;
    try {
      const result = await apiClient().call('previewExperiment', { spec });
      if (mine !== sequence) return;
      preview.value = result;
      serverIssues.value = [];
      previewError.value = null;
    } catch (e) {
      if (mine !== sequence) return;
      const err = toApiError(e);
      if (err.code === 'invalid') {
        serverIssues.value = err.issues.length ? err.issues : [{ path: '', message: err.message }];
        previewError.value = null;
      } else {
        useConnectionStore().reportError(e);
        previewError.value = err.message;
        serverIssues.value = [];
      }
    } finally {
      if (mine === sequence) {
        previewing.value = false;
        previewedKey.value = key;
      }
    }
  }

  const schedule = debounce(() => void runPreview(), PREVIEW_DEBOUNCE_MS);
  watch(specKey, () => schedule.schedule());

  /** Preview now (first open, after loading a file). */
  function previewNow(): Promise<void> {
    schedule.cancel();
    return runPreview();
  }

  function setForm(next: SpecForm): void {
    Object.assign(form, next);
  }

  function loadSpecText(text: string): boolean {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      loadWarnings.value = [`the file is not valid JSON: ${e instanceof Error ? e.message : String(e)}`];
      return false;
    }
    const { form: next, warnings } = specToForm(raw);
    setForm(next);
    loadWarnings.value = warnings;
    return true;
  }

  function useSpec(spec: ExperimentSpecInput, name: string): void {
    setForm(specToForm(spec).form);
    form.name = name;
    loadWarnings.value = [];
  }

  /** "Use this LR" after an LR range test: its spec, trained (not ramped) at that learning rate and batch size. */
  function useLearningRate(spec: ExperimentSpecInput, name: string, learningRate: number, batchSize: number): void {
    useSpec({ ...spec, params: { ...spec.params, learningRate, batchSize }, analysis: { runType: 'train' } }, name);
  }

  /** The spec as a file: exactly what `epochlab run <file>` takes. */
  function specJson(): string {
    return `${JSON.stringify(built.value.spec, null, 2)}\n`;
  }

  /** A fresh form, as the navbar's New experiment and the `n` shortcut open it (never a copied spec). */
  function reset(): void {
    setForm(defaultForm(defaultExperimentName(new Date())));
    loadWarnings.value = [];
    preview.value = null;
    serverIssues.value = [];
    previewError.value = null;
    previewedKey.value = null;
  }

  /** Picks a dataset when none is chosen yet, so the first preview can answer. */
  function ensureDataset(datasets: readonly DatasetInfo[]): void {
    if (form.dataset.id || datasets.length === 0) return;
    form.dataset.id = (datasets.find((d) => d.id === 'spiral') ?? datasets[0]).id;
  }

  async function submit(): Promise<ExperimentSummary> {
    if (!canRun.value) throw new ApiError('invalid', 'the experiment is not ready to run');
    submitting.value = true;
    try {
      return await apiClient().call('createExperiment', { spec: built.value.spec });
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'invalid') {
        serverIssues.value = err.issues;
        previewedKey.value = specKey.value;
      }
      throw err;
    } finally {
      submitting.value = false;
    }
  }

  return {
    form, preview, previewing, serverIssues, previewError, loadWarnings, submitting,
    built, specKey, localIssues, fieldErrors, upToDate, canRun,
    previewNow, loadSpecText, useSpec, useLearningRate, specJson, reset, ensureDataset, submit, setForm,
  };
});
