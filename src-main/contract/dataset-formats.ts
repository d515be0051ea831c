/**
 * The dataset import formats, in one registry: what each format is called, the files (or folder) it reads,
 * the options it takes, the extensions the OS dialogs offer, the CLI flags, the upload limits of serve mode
 * and the help text. The contract's DatasetImportSource, the CLI's `datasets import` flags, the desktop
 * dialogs and menu, the renderer's import form and the engine's readers all read it: adding a format is an
 * entry here and a reader in engine/datasets (docs/architecture.md, "A dataset format").
 */
import { z } from 'zod';
import type { DatasetInfo } from './records';

export const MAX_DATASET_NAME_LENGTH = 120;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A file, or a folder, one format reads. The key is the field of DatasetImportSource that holds its path. */
export interface ImportInput {
  key: string;
  /** What the user is asked for: "the CSV file". */
  label: string;
  /** A folder may also be given as a .zip of it (a browser uploads it that way). */
  kind: 'file' | 'folder';
  /** `--<cliFlag> <path>` on `epochlab datasets import`. */
  cliFlag: string;
  /** Offered by the OS dialog (no dot); a folder is chosen as a folder. */
  extensions: readonly string[];
  /** Serve mode: what the browser may upload for this input, and how large it may be. */
  upload: { extensions: readonly string[]; maxBytes: number };
  /** A typical path, for help text and example commands. */
  example: string;
}

interface OptionBase {
  label: string;
  help: string;
  /** `--<cliFlag> <value>`, or `--<cliFlag>` alone for a flag. */
  cliFlag: string;
}
/** A whole number within bounds. */
export interface IntegerOption extends OptionBase { type: 'integer'; min: number; max: number; default: number }
/** One of a few words. */
export interface ChoiceOption extends OptionBase { type: 'choice'; choices: readonly string[]; default: string }
/** A column: its header name, or its 0-based index. Left out, the reader picks one. */
export interface ColumnOption extends OptionBase { type: 'column' }
/** Present, the option takes `value` (`--no-header` sets header to false); absent, the reader decides. */
export interface FlagOption extends OptionBase { type: 'flag'; value: boolean }
export type ImportOption = IntegerOption | ChoiceOption | ColumnOption | FlagOption;

export interface DatasetFormat {
  label: string;
  /** One line: what the format is and where such files come from. */
  help: string;
  inputs: readonly ImportInput[];
  options: Readonly<Record<string, ImportOption>>;
}

const idxExtensions = ['gz', 'ubyte', 'idx', 'idx1-ubyte', 'idx3-ubyte'] as const;

export const DATASET_FORMATS = {
  csv: {
    label: 'CSV',
    help: 'one sample per row: number columns and a label column (named label, class, target or y, else the last)',
    inputs: [
      { key: 'path', label: 'CSV file', kind: 'file', cliFlag: 'file', extensions: ['csv', 'tsv', 'txt'], upload: { extensions: ['csv', 'tsv', 'txt'], maxBytes: 2 * GiB }, example: 'data.csv' },
    ],
    options: {
      labelColumn: { type: 'column', label: 'Label column', cliFlag: 'label-column', help: 'its header name or 0-based index (default: label, class, target or y, else the last)' },
      header: { type: 'flag', value: false, label: 'No header row', cliFlag: 'no-header', help: 'the first row is data, not column names' },
    },
  },
  idx: {
    label: 'IDX (MNIST format)',
    help: 'an images file and a labels file as MNIST ships them, raw or .gz',
    inputs: [
      // MNIST names files `train-images-idx3-ubyte(.gz)`: the part after the last dot is not always an extension.
      { key: 'images', label: 'IDX images file', kind: 'file', cliFlag: 'images', extensions: idxExtensions, upload: { extensions: [], maxBytes: 512 * MiB }, example: 'train-images-idx3-ubyte.gz' },
      { key: 'labels', label: 'IDX labels file', kind: 'file', cliFlag: 'labels', extensions: idxExtensions, upload: { extensions: [], maxBytes: 512 * MiB }, example: 'train-labels-idx1-ubyte.gz' },
    ],
    options: {},
  },
  npy: {
    label: 'NPY (x and y)',
    help: 'two NumPy arrays saved with np.save: samples x [N, ...] and integer labels y [N]',
    inputs: [
      { key: 'x', label: 'NPY file of samples (x)', kind: 'file', cliFlag: 'x', extensions: ['npy'], upload: { extensions: ['npy'], maxBytes: 2 * GiB }, example: 'x.npy' },
      { key: 'y', label: 'NPY file of labels (y)', kind: 'file', cliFlag: 'y', extensions: ['npy'], upload: { extensions: ['npy'], maxBytes: 2 * GiB }, example: 'y.npy' },
    ],
    options: {},
  },
  'image-folder': {
    label: 'Image folder',
    help: 'one sub-folder per class of PNG or JPEG images (as Keras and torchvision read them), or a .zip of such a folder',
    inputs: [
      { key: 'folder', label: 'image folder', kind: 'folder', cliFlag: 'folder', extensions: ['zip'], upload: { extensions: ['zip'], maxBytes: 4 * GiB }, example: 'flowers/' },
    ],
    options: {
      width: { type: 'integer', min: 4, max: 512, default: 32, label: 'Width', cliFlag: 'width', help: 'pixels; every image is resized to width × height' },
      height: { type: 'integer', min: 4, max: 512, default: 32, label: 'Height', cliFlag: 'height', help: 'pixels' },
      color: { type: 'choice', choices: ['rgb', 'grayscale'], default: 'rgb', label: 'Colour', cliFlag: 'color', help: 'rgb keeps 3 channels, grayscale 1 (alpha is dropped)' },
    },
  },
} as const satisfies Record<string, DatasetFormat>;

export type DatasetImportFormat = keyof typeof DATASET_FORMATS;
export const DATASET_IMPORT_FORMATS = Object.keys(DATASET_FORMATS) as DatasetImportFormat[];

/** Limits the image-folder reader applies to each image and to a .zip (docs/reliability.md G3). */
export const IMAGE_FOLDER_LIMITS = {
  /** Width × height read from an image's header, before it is decoded: above it, a decompression bomb. */
  maxPixels: 40_000_000,
  /** Bytes of one image file. */
  maxFileBytes: 64 * MiB,
  /** A .zip: entries, the sum of the sizes its entries declare, and one entry's size over its compressed size. */
  maxZipEntries: 300_000,
  maxZipBytes: 16 * GiB,
  maxZipRatio: 200,
} as const;

export const datasetNameSchema = z
  .string({ error: 'give the dataset a name' })
  .trim()
  .min(1, 'give the dataset a name')
  .max(MAX_DATASET_NAME_LENGTH, `a dataset name has at most ${MAX_DATASET_NAME_LENGTH} characters`)
   
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'a dataset name must not contain control characters');

function optionSchema(option: ImportOption): z.ZodType {
  switch (option.type) {
    case 'integer':
      return z.number({ error: `${option.label.toLowerCase()} must be a whole number` }).int(`${option.label.toLowerCase()} must be a whole number`)
        .min(option.min, `${option.label.toLowerCase()} must be at least ${option.min}`).max(option.max, `${option.label.toLowerCase()} must be at most ${option.max}`);
    case 'choice':
      return z.enum(option.choices as [string, ...string[]], { error: `must be one of: ${option.choices.join(', ')}` });
    case 'column':
      return z.union([z.string().trim().min(1).max(200), z.number().int().min(0)], { error: 'a column name or a 0-based index' });
    case 'flag':
      return z.boolean();
  }
}

type Formats = typeof DATASET_FORMATS;
type OptionValue<O> = O extends { type: 'integer' } ? number
  : O extends { type: 'choice'; choices: readonly (infer C)[] } ? C
  : O extends { type: 'column' } ? string | number
  : boolean;
/** What one format's import reads: a name, a path per input, and its options (left out: the default). */
export type ImportSourceOf<F extends DatasetImportFormat> =
  { format: F; name: string }
  & { [K in Formats[F]['inputs'][number]['key']]: string }
  & { [K in keyof Formats[F]['options']]?: OptionValue<Formats[F]['options'][K]> };
/**
 * Where an imported dataset comes from. Paths are only ever chosen in an OS dialog (desktop), named on the
 * command line, or point at an upload the server received (serve mode): this type is never accepted from a
 * renderer or an HTTP client (docs/reliability.md B4).
 */
export type DatasetImportSource = { [F in DatasetImportFormat]: ImportSourceOf<F> }[DatasetImportFormat];

function sourceSchema(format: DatasetImportFormat) {
  const { inputs, options } = DATASET_FORMATS[format] as DatasetFormat;
  return z.strictObject({
    format: z.literal(format),
    name: datasetNameSchema,
    ...Object.fromEntries(inputs.map((input) => [input.key, z.string({ error: `choose the ${input.label}` }).min(1, `choose the ${input.label}`)])),
    ...Object.fromEntries(Object.entries(options).map(([key, option]) => [key, optionSchema(option).optional()])),
  });
}

/** Checks a source from a trusted caller (CLI flags, a dialog's choice) before anything is read. */
export const datasetImportSourceSchema = z.discriminatedUnion(
  'format',
  DATASET_IMPORT_FORMATS.map(sourceSchema) as unknown as [ReturnType<typeof sourceSchema>, ...ReturnType<typeof sourceSchema>[]],
) as unknown as z.ZodType<DatasetImportSource>;

/** The options a format takes, checked (left out: the default), for a caller that has them apart from the paths. */
export function importOptionsSchema(format: DatasetImportFormat) {
  const { options } = DATASET_FORMATS[format] as DatasetFormat;
  return z.strictObject(Object.fromEntries(Object.entries(options).map(([key, option]) => [key, optionSchema(option).optional()])));
}

/** The value an option takes when the source leaves it out (undefined: the reader decides). */
export function optionDefault(option: ImportOption): number | string | undefined {
  return option.type === 'integer' || option.type === 'choice' ? option.default : undefined;
}

/** A shell word: as is when it is plain, else single-quoted. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The `epochlab datasets import` command line for a format, with the registry's example paths. */
export function importCommandLine(format: DatasetImportFormat, name: string, dataDir: string | null): string {
  const { inputs } = DATASET_FORMATS[format] as DatasetFormat;
  const words = ['epochlab', ...(dataDir ? ['--data-dir', dataDir] : []), 'datasets', 'import', '--format', format, '--name', name];
  for (const input of inputs) words.push(`--${input.cliFlag}`, input.example);
  return words.map(shellWord).join(' ');
}

/** Why an image was left out of an image-folder import. */
export const SKIP_REASONS = {
  'not-image': 'not a PNG or JPEG file',
  'outside-class': 'not in a class sub-folder',
  empty: 'empty file',
  corrupt: 'corrupt or unreadable image',
  'too-large': 'over the pixel or size limit (decompression bomb?)',
  link: 'a link out of the folder or in a loop, not followed',
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;

/** What an import read, and what it left out (only an image folder skips files; the others refuse the file). */
export interface ImportReport {
  dataset: DatasetInfo;
  skipped: {
    total: number;
    byReason: Partial<Record<SkipReason, number>>;
    /** The first few, with the file (relative to the folder) and what was wrong. */
    examples: Array<{ file: string; reason: SkipReason; detail: string }>;
  };
}

/** One line on what an import left out ('' when nothing): how the CLI, the desktop and the UI all say it. */
export function describeSkipped(skipped: ImportReport['skipped']): string {
  if (skipped.total === 0) return '';
  const parts = (Object.keys(SKIP_REASONS) as SkipReason[]).flatMap((r) => (skipped.byReason[r] ? [`${skipped.byReason[r]} ${SKIP_REASONS[r]}`] : []));
  return `${skipped.total} file${skipped.total === 1 ? '' : 's'} skipped: ${parts.join(', ')}`;
}

/** Progress of a long import, for a progress bar: files (or rows) done of the total when it is known. */
export interface ImportProgress {
  phase: 'scanning' | 'reading' | 'storing';
  done: number;
  total: number | null;
}

/**
 * Serve mode uploads. A browser sends each file of an import in chunks (the route and its query are in
 * contract/transport.ts, HTTP_UPLOADS_PATH), so that no request outlives the
 * server's request timeout; then `importUpload` names the uploads by id. The bytes go to a folder inside
 * the data folder and are removed after the import, when abandoned, or at the next start.
 */
export const UPLOAD_CHUNK_BYTES = 8 * MiB;
export const MAX_UPLOAD_CHUNK_BYTES = 16 * MiB;
/** Uploads left unfinished this long are removed. */
export const UPLOAD_IDLE_MS = 30 * 60_000;

export const uploadIdSchema = z.string().regex(/^up-[0-9a-f]{24}$/, 'not an upload id');

/** The query of an upload request: a first chunk names the format, the input and the file; later ones the id and offset. */
export const uploadChunkSchema = z.union([
  z.strictObject({
    format: z.enum(Object.keys(DATASET_FORMATS) as [DatasetImportFormat, ...DatasetImportFormat[]]),
    input: z.string().max(40),
    filename: z.string().min(1).max(255),
    size: z.coerce.number().int().min(1, 'the file is empty'),
  }),
  z.strictObject({ uploadId: uploadIdSchema, offset: z.coerce.number().int().min(0) }),
]);

export interface UploadReceipt {
  uploadId: string;
  /** Bytes stored so far, and of the whole file. */
  received: number;
  size: number;
}

/** What a user asks for before the files are chosen (desktop) or named by upload id (serve mode). */
function importRequestShape(format: DatasetImportFormat) {
  return { format: z.literal(format), name: datasetNameSchema, options: importOptionsSchema(format).default({}) };
}
type RequestSchemas<T extends z.ZodType> = [T, ...T[]];

/** The desktop's import: a format, a name and its options; the files are then chosen in the OS dialogs. */
export const dialogImportSchema = z.discriminatedUnion(
  'format',
  DATASET_IMPORT_FORMATS.map((format) => z.strictObject(importRequestShape(format))) as unknown as RequestSchemas<z.ZodObject<ReturnType<typeof importRequestShape>>>,
);

/** `importUpload`'s input: per format, an upload id for each of its inputs, and its options. */
export const importUploadSchema = z.discriminatedUnion(
  'format',
  DATASET_IMPORT_FORMATS.map((format) => z.strictObject({
    ...importRequestShape(format),
    uploads: z.strictObject(Object.fromEntries((DATASET_FORMATS[format] as DatasetFormat).inputs.map((input) => [input.key, uploadIdSchema]))),
  })) as unknown as RequestSchemas<z.ZodObject<ReturnType<typeof importRequestShape> & { uploads: z.ZodObject<Record<string, typeof uploadIdSchema>> }>>,
);
