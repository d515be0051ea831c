/**
 * Datasets for the picker, and importing one through the format registry: on the desktop the OS dialogs of
 * the main process choose the files; in a browser the files are uploaded (never a path) and imported by the
 * server with the same reader.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  DATASET_FORMATS, importCommandLine,
  type DatasetFormat, type DatasetImportFormat, type DatasetInfo, type EpochlabEvent, type ImportProgress, type ImportReport,
} from '../contract';
import type { UploadableFile } from '../api/client';
import { apiClient } from './client';
import { useListLoader } from './list-loader';

/** What the progress bar shows: bytes while uploading, then files (or nothing countable) while importing. */
export interface ImportActivity {
  label: string;
  done: number;
  total: number | null;
}

const PHASE_LABELS: Record<ImportProgress['phase'], string> = { scanning: 'Looking for files', reading: 'Reading', storing: 'Storing' };

export const useDatasetsStore = defineStore('datasets', () => {
  const { items, loaded, loading, error, load } = useListLoader<DatasetInfo>(() => apiClient().call('listDatasets', {}));
  const canImportWithDialog = computed(() => apiClient().importDatasetWithDialog !== null);
  const canUpload = computed(() => apiClient().uploadFile !== null);
  const activity = ref<ImportActivity | null>(null);

  function byId(id: string): DatasetInfo | undefined {
    return items.value.find((d) => d.id === id);
  }

  /** The name to show for a dataset id: its name once the list is loaded (an imported id means nothing to a person). */
  function nameOf(id: string): string {
    return byId(id)?.name ?? id;
  }

  /** For views that only show names: loads the list once. */
  function ensureLoaded(): void {
    if (!loaded.value && !loading.value) void load();
  }

  function added(report: ImportReport): ImportReport {
    items.value = [...items.value.filter((d) => d.id !== report.dataset.id), report.dataset];
    return report;
  }

  /** Desktop only. Resolves to the import's report, or null when the user cancelled a dialog. */
  async function importWithDialog(format: DatasetImportFormat, name: string, options: Record<string, unknown>): Promise<ImportReport | null> {
    const importer = apiClient().importDatasetWithDialog;
    if (!importer) throw new Error('importing with a file dialog needs the desktop app');
    activity.value = { label: 'Importing', done: 0, total: null };
    try {
      const report = await importer(format, name, options);
      return report ? added(report) : null;
    } finally {
      activity.value = null;
    }
  }

  /** Browser only: uploads one file per input of the format, then has the server import them. */
  async function importUploads(format: DatasetImportFormat, name: string, files: Record<string, UploadableFile>, options: Record<string, unknown>): Promise<ImportReport> {
    const client = apiClient();
    if (!client.uploadFile) throw new Error('uploads need a browser connected to `epochlab serve`');
    const uploads: Record<string, string> = {};
    try {
      for (const input of (DATASET_FORMATS[format] as DatasetFormat).inputs) {
        const file = files[input.key];
        if (!file) throw new Error(`choose the ${input.label}`);
        activity.value = { label: `Uploading ${file.name}`, done: 0, total: file.size };
        uploads[input.key] = await client.uploadFile(file, { format, input: input.key }, (sent, total) => {
          activity.value = { label: `Uploading ${file.name}`, done: sent, total };
        });
      }
      activity.value = { label: 'Importing', done: 0, total: null };
      return added(await client.call('importUpload', { format, name, uploads, options }));
    } catch (error) {
      // Uploads the import did not take are dropped now rather than left until they expire.
      for (const uploadId of Object.values(uploads)) void client.call('discardUpload', { uploadId }).catch(() => undefined);
      throw error;
    } finally {
      activity.value = null;
    }
  }

  function handleEvent(event: EpochlabEvent): void {
    if (event.type !== 'dataset-import' || activity.value === null) return;
    const { phase, done, total } = event.progress;
    activity.value = { label: PHASE_LABELS[phase], done, total };
  }

  /** The command that imports a format on the machine that serves Epochlab. */
  function commandLine(format: DatasetImportFormat, dataDir: string | null): string {
    return importCommandLine(format, 'My data', dataDir);
  }

  return { items, loaded, loading, error, canImportWithDialog, canUpload, activity, load, ensureLoaded, byId, nameOf, importWithDialog, importUploads, handleEvent, commandLine };
});

/** For views that show dataset names: the name of an id, the list loaded once (an imported id means nothing to a person). */
export function useDatasetName(): (id: string) => string {
  const store = useDatasetsStore();
  store.ensureLoaded();
  return (id) => store.nameOf(id);
}
