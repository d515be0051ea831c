/** Datasets for the picker, and importing one (desktop: OS dialog; browser: the CLI, see importHelp). */
import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { DatasetImportFormat, DatasetInfo } from '../contract';
import { apiClient } from './client';
import { useListLoader } from './list-loader';

/** What a browser user runs on the machine that serves Epochlab, since a web page may not pick files for it. */
export const CLI_IMPORT_COMMANDS: Record<DatasetImportFormat, string> = {
  csv: 'epochlab datasets import --format csv --name "My data" --file path/to/data.csv',
  idx: 'epochlab datasets import --format idx --name "My digits" --images train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz',
  npy: 'epochlab datasets import --format npy --name "My arrays" --x x.npy --y y.npy',
};

export const useDatasetsStore = defineStore('datasets', () => {
  const { items, loaded, loading, error, load } = useListLoader<DatasetInfo>(() => apiClient().call('listDatasets', {}));
  const canImportWithDialog = computed(() => apiClient().importDatasetWithDialog !== null);

  function byId(id: string): DatasetInfo | undefined {
    return items.value.find((d) => d.id === id);
  }

  /** Desktop only. Resolves to the imported dataset, or null when the user cancelled the dialog. */
  async function importWithDialog(format: DatasetImportFormat, name: string): Promise<DatasetInfo | null> {
    const importer = apiClient().importDatasetWithDialog;
    if (!importer) throw new Error('importing with a file dialog needs the desktop app');
    const dataset = await importer(format, name);
    if (dataset) items.value = [...items.value.filter((d) => d.id !== dataset.id), dataset];
    return dataset;
  }

  return { items, loaded, loading, error, canImportWithDialog, load, byId, importWithDialog };
});
