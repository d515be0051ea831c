/** The dataset methods of the API: what can be trained on, described for a spec. */
import { ApiError, type DatasetInfo, type ExperimentSpec } from '../contract';
import { DatasetError, describeDataset, listDatasets } from '../engine/datasets/catalog';
import type { ApiDeps, ApiImplementation } from './api';

export function datasetsApi({ dataDir }: Pick<ApiDeps, 'dataDir'>): Pick<ApiImplementation, 'listDatasets'> {
  return { listDatasets: async () => listDatasets({ dataDir }) };
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
