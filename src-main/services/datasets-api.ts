/**
 * The dataset methods of the API — what can be trained on, and importing what a browser uploaded — and the
 * import every front door shares (CLI flags, the desktop's dialogs, serve-mode uploads): one check of the
 * source against the registry's schema, the engine's reader, progress as events.
 */
import {
  ApiError, datasetImportSourceSchema, parseUntrusted,
  type DatasetImportSource, type DatasetInfo, type ExperimentSpec, type ImportProgress, type ImportReport,
} from '../contract';
import { DatasetError, describeDataset, listDatasets } from '../engine/datasets/catalog';
import { importInWorker } from '../engine/pool/import';
import type { ApiDeps, ApiImplementation } from './api';

type DatasetMethods = 'listDatasets' | 'importUpload' | 'discardUpload';
type ImportDeps = Pick<ApiDeps, 'dataDir' | 'events' | 'workerScript'>;

/** Checks a trusted caller's source and imports it in a worker; a file the reader refuses is `invalid` input. */
export async function importFromSource(deps: ImportDeps, source: unknown, onProgress?: (progress: ImportProgress) => void): Promise<ImportReport> {
  const checked = parseUntrusted(datasetImportSourceSchema, source, 'invalid import');
  try {
    return await importInWorker(deps.workerScript, checked, deps.dataDir, (progress) => {
      onProgress?.(progress);
      deps.events.emit({ type: 'dataset-import', progress });
    });
  } catch (error) {
    if (error instanceof DatasetError) throw new ApiError('invalid', error.message);
    throw error;
  }
}

export function datasetsApi(deps: Pick<ApiDeps, 'dataDir' | 'events' | 'uploads' | 'workerScript'>): Pick<ApiImplementation, DatasetMethods> {
  const uploadsOrRefuse = () => {
    if (!deps.uploads) throw new ApiError('conflict', 'another Epochlab process owns this data folder; import datasets there');
    return deps.uploads;
  };
  return {
    listDatasets: async () => listDatasets({ dataDir: deps.dataDir }),
    importUpload: async ({ format, name, uploads, options }) => {
      const { paths, release } = uploadsOrRefuse().take(format, uploads);
      try {
        return await importFromSource(deps, { format, name, ...options, ...paths } as DatasetImportSource);
      } finally {
        await release();
      }
    },
    discardUpload: async ({ uploadId }) => ({ discarded: await uploadsOrRefuse().discard(uploadId) }),
  };
}

/** A spec's dataset reference described, or an `invalid` error rooted at the spec field that named it. */
export async function describeSpecDataset(ref: ExperimentSpec['dataset'], path: string, dataDir: string): Promise<DatasetInfo> {
  try {
    return await describeDataset(ref, { dataDir });
  } catch (error) {
    if (error instanceof DatasetError) throw new ApiError('invalid', error.message, [{ path: `spec.${path}`, message: error.message }]);
    throw error;
  }
}
