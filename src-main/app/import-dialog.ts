/**
 * Dataset files are chosen here, in the OS dialogs of the main process, and never named by the renderer
 * (docs/reliability.md B4): the renderer only says which format, what to call the dataset and the format's
 * options. The dialogs come from the format registry: one per input, a folder dialog for a folder.
 */
import path from 'node:path';
import { dialog, type BrowserWindow, type FileFilter, type OpenDialogOptions } from 'electron';
import {
  DATASET_FORMATS, MAX_DATASET_NAME_LENGTH,
  type DatasetFormat, type DatasetImportFormat, type DatasetImportSource, type ImportInput,
} from '../contract/dataset-formats';

const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] };

async function pick(parent: BrowserWindow | null, input: ImportInput, step: string): Promise<string | null> {
  const options: OpenDialogOptions = input.kind === 'folder'
    ? { title: `Choose the ${input.label}${step}`, properties: ['openDirectory'] }
    : { title: `Choose the ${input.label}${step}`, filters: [{ name: input.label, extensions: [...input.extensions] }, ALL_FILES], properties: ['openFile'] };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  if (result.canceled || result.filePaths.length !== 1) return null;
  return result.filePaths[0];
}

/**
 * Asks for each input of the format in turn ("1 of 2", "2 of 2"); null as soon as the user cancels a step.
 * Without a name (menu imports), the first choice names the dataset. The source is checked by the services.
 */
export async function chooseImportSource(
  format: DatasetImportFormat,
  givenName: string | null,
  options: Record<string, unknown>,
  parent: BrowserWindow | null,
): Promise<DatasetImportSource | null> {
  const { inputs } = DATASET_FORMATS[format] as DatasetFormat;
  const paths: Record<string, string> = {};
  for (const [i, input] of inputs.entries()) {
    const chosen = await pick(parent, input, inputs.length > 1 ? ` (${i + 1} of ${inputs.length})` : '');
    if (!chosen) return null;
    paths[input.key] = chosen;
  }
  const first = paths[inputs[0].key];
  return { ...options, format, name: givenName ?? datasetNameFromPath(first), ...paths } as DatasetImportSource;
}

/** A dataset name from the first chosen file or folder, for imports started from the menu (no form to type it in). */
export function datasetNameFromPath(file: string): string {
  // Longest first: `-idx3-ubyte` before `-ubyte`.
  const known = [...new Set(Object.values(DATASET_FORMATS).flatMap((f: DatasetFormat) => f.inputs.flatMap((i) => i.extensions)))].sort((a, b) => b.length - a.length);
  let base = path.basename(file);
  // `train-images-idx3-ubyte.gz` → `train-images`: strip the registry's extensions, last first.
  for (let ext = strippable(base, known); ext !== null; ext = strippable(base, known)) base = base.slice(0, -ext.length - 1);
  return (base.trim() || 'imported').slice(0, MAX_DATASET_NAME_LENGTH);
}

function strippable(base: string, extensions: string[]): string | null {
  const lower = base.toLowerCase();
  return extensions.find((ext) => lower.endsWith(`.${ext}`) || (lower.endsWith(`-${ext}`) && lower.length > ext.length + 1)) ?? null;
}
