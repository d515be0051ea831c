/**
 * Dataset files are chosen here, in the OS dialog of the main process, and never named by the renderer
 * (docs/reliability.md B4): the renderer only says which format and what to call the dataset.
 */
import path from 'node:path';
import { dialog, type BrowserWindow, type FileFilter } from 'electron';
import type { DatasetImportFormat, DatasetImportSource } from '../contract/api';

export const IMPORT_FORMATS: readonly DatasetImportFormat[] = ['idx', 'csv', 'npy'];
export const MAX_DATASET_NAME_LENGTH = 120;

const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] };

async function pickFile(parent: BrowserWindow | null, title: string, filters: FileFilter[]): Promise<string | null> {
  const options = { title, filters: [...filters, ALL_FILES], properties: ['openFile' as const] };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  if (result.canceled || result.filePaths.length !== 1) return null;
  return result.filePaths[0];
}

/**
 * Asks for the file(s) of one dataset: IDX and NPY come as two files (inputs, then labels), CSV as one.
 * Returns null as soon as the user cancels a step. Without a name (menu imports), the first file names it.
 */
export async function chooseImportSource(format: DatasetImportFormat, givenName: string | null, parent: BrowserWindow | null): Promise<DatasetImportSource | null> {
  const nameFor = (file: string): string => givenName ?? datasetNameFromPath(file);
  switch (format) {
    case 'idx': {
      // MNIST ships `train-images-idx3-ubyte(.gz)`: the part after the last dot is not always an extension.
      const images = await pickFile(parent, 'Choose the IDX images file (1 of 2)', [{ name: 'IDX images', extensions: ['idx3-ubyte', 'ubyte', 'idx', 'gz'] }]);
      if (!images) return null;
      const labels = await pickFile(parent, 'Choose the IDX labels file (2 of 2)', [{ name: 'IDX labels', extensions: ['idx1-ubyte', 'ubyte', 'idx', 'gz'] }]);
      if (!labels) return null;
      return { format, name: nameFor(images), images, labels };
    }
    case 'csv': {
      const file = await pickFile(parent, 'Choose the CSV file (label in the last column unless named)', [{ name: 'CSV', extensions: ['csv', 'tsv', 'txt'] }]);
      return file ? { format, name: nameFor(file), path: file } : null;
    }
    case 'npy': {
      const x = await pickFile(parent, 'Choose the NPY file of inputs, x (1 of 2)', [{ name: 'NumPy array', extensions: ['npy'] }]);
      if (!x) return null;
      const y = await pickFile(parent, 'Choose the NPY file of labels, y (2 of 2)', [{ name: 'NumPy array', extensions: ['npy'] }]);
      if (!y) return null;
      return { format, name: nameFor(x), x, y };
    }
  }
}

/** A dataset name from the first chosen file, for imports started from the menu (no form to type it in). */
export function datasetNameFromPath(file: string): string {
  let base = path.basename(file).replace(/\.gz$/i, '');
  base = base.replace(/[-.]idx\d-ubyte$/i, '').replace(/\.(csv|tsv|txt|npy|idx|ubyte)$/i, '');
  return (base.trim() || 'imported').slice(0, MAX_DATASET_NAME_LENGTH);
}
