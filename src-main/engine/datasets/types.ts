import type { DatasetInfo } from '../../contract';

/** A dataset in memory, ready for a backend to turn into tensors. */
export interface Dataset {
  info: DatasetInfo;
  /** rows × prod(info.inputShape) values, row-major; image pixels scaled to [0, 1]. */
  x: Float32Array;
  /** Class index of each row, 0..numClasses-1. */
  y: Int32Array;
}

export interface DatasetContext {
  /** The data folder: caches go to <dataDir>/cache, imports to <dataDir>/datasets. */
  dataDir: string;
  /**
   * Where the app's resources folder is (the one holding datasets/iris.csv). Packaged apps keep it outside
   * the code, so the app passes it; left out, it is looked for above the code, which is right in development.
   */
  resourcesDir?: string;
}

/** Every refusal of the dataset layer: the message names the file, row, column and what was expected. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Bounds that keep one dataset within what a desktop machine can hold (1 GiB of float32 features). */
export const MAX_VALUES = 2 ** 28;
/** Epochlab trains classifiers; a label column with more distinct values is almost surely a regression target. */
export const MAX_CLASSES = 1000;
