/**
 * NumPy .npy files (format versions 1–3), parsed here because the format is tiny: magic, version, a header
 * that is a Python dict literal, then raw C-order data. x: any numeric dtype, [N, ...]; y: integers [N].
 */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ImportSourceOf } from '../../contract/dataset-formats';
import type { StoredFeatures } from './binary';
import { integerLabelsToClasses } from './classes';
import type { NewImport } from './imported';
import { DatasetError, MAX_VALUES } from './types';

export interface NpyHeader {
  version: number;
  descr: string;
  kind: 'f' | 'i' | 'u' | 'b';
  itemSize: number;
  shape: number[];
  /** Elements in the array: prod(shape). */
  count: number;
  dataOffset: number;
}

const MAGIC = Buffer.from('\x93NUMPY', 'latin1');
const MAX_HEADER_TEXT = 1 << 20;
const SUPPORTED: Record<string, readonly number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
const FLOAT32_MAX = 3.4028234663852886e38;

/** Where the header text starts and how long it is; needs only the first 12 bytes. */
function preamble(bytes: Buffer, file: string): { version: number; textStart: number; textLength: number } {
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) throw new DatasetError(`${file}: not a .npy file (missing the \\x93NUMPY magic)`);
  const version = bytes[6];
  if (version < 1 || version > 3) throw new DatasetError(`${file}: .npy format version ${version}.${bytes[7]} is not supported (1.0–3.0 are)`);
  if (version === 1) return { version, textStart: 10, textLength: bytes.readUInt16LE(8) };
  if (bytes.length < 12) throw new DatasetError(`${file}: truncated .npy header`);
  const textLength = bytes.readUInt32LE(8);
  if (textLength > MAX_HEADER_TEXT) throw new DatasetError(`${file}: .npy header of ${textLength} bytes is implausibly large`);
  return { version, textStart: 12, textLength };
}

function field(text: string, key: string, value: string): string | null {
  const match = new RegExp(`['"]${key}['"]\\s*:\\s*${value}`).exec(text);
  return match === null ? null : match[1];
}

/** Validates a .npy header from the file's first bytes (at least the whole header). Pure: tests feed it bytes. */
export function parseNpyHeader(head: Uint8Array, file: string): NpyHeader {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const { version, textStart, textLength } = preamble(bytes, file);
  if (bytes.length < textStart + textLength) throw new DatasetError(`${file}: truncated .npy header`);
  const text = bytes.toString(version === 3 ? 'utf8' : 'latin1', textStart, textStart + textLength).trim();
  if (!text.startsWith('{') || !text.endsWith('}')) throw new DatasetError(`${file}: the .npy header is not a dictionary: ${JSON.stringify(text.slice(0, 80))}`);
  if (/['"]descr['"]\s*:\s*\[/.test(text)) throw new DatasetError(`${file}: structured (record) dtypes are not supported; save a plain numeric array`);
  const descr = field(text, 'descr', `['"]([^'"]*)['"]`);
  const fortran = field(text, 'fortran_order', '(True|False)');
  const shapeText = field(text, 'shape', '\\(([^)]*)\\)');
  if (descr === null || fortran === null || shapeText === null) {
    throw new DatasetError(`${file}: the .npy header lacks descr, fortran_order or shape: ${JSON.stringify(text.slice(0, 120))}`);
  }
  if (fortran === 'True') throw new DatasetError(`${file}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray(a)`);
  const dtype = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (dtype === null) throw new DatasetError(`${file}: unsupported dtype ${JSON.stringify(descr)}`);
  const [, order, kind, sizeText] = dtype;
  const itemSize = Number(sizeText);
  if (!(kind in SUPPORTED) || !SUPPORTED[kind].includes(itemSize)) {
    throw new DatasetError(`${file}: unsupported dtype ${JSON.stringify(descr)}; use float32/64, int8–64, uint8–64 or bool`);
  }
  if (order === '>' && itemSize > 1) throw new DatasetError(`${file}: big-endian data (${descr}) is not supported; save with a.astype('<${kind}${itemSize}')`);
  const parts = shapeText.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (!parts.every((p) => /^\d+L?$/.test(p))) throw new DatasetError(`${file}: malformed shape (${shapeText})`);
  const shape = parts.map((p) => parseInt(p, 10));
  if (shape.length === 0) throw new DatasetError(`${file}: holds a single value; expected an array with one row per sample`);
  if (shape[0] === 0) throw new DatasetError(`${file}: holds 0 rows; the dataset would be empty`);
  if (shape.some((d) => d === 0)) throw new DatasetError(`${file}: shape (${shape.join(', ')}) has a zero dimension`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_VALUES) throw new DatasetError(`${file}: ${shape.join(' × ')} = ${count} values, more than Epochlab accepts (${MAX_VALUES})`);
  return { version, descr, kind: kind as NpyHeader['kind'], itemSize, shape, count, dataOffset: textStart + textLength };
}

type Reader = (view: DataView, offset: number) => number;

function elementReader(h: NpyHeader): Reader {
  switch (`${h.kind}${h.itemSize}`) {
    case 'f4': return (v, o) => v.getFloat32(o, true);
    case 'f8': return (v, o) => v.getFloat64(o, true);
    case 'i1': return (v, o) => v.getInt8(o);
    case 'i2': return (v, o) => v.getInt16(o, true);
    case 'i4': return (v, o) => v.getInt32(o, true);
    case 'i8': return (v, o) => Number(v.getBigInt64(o, true));
    case 'u2': return (v, o) => v.getUint16(o, true);
    case 'u4': return (v, o) => v.getUint32(o, true);
    case 'u8': return (v, o) => Number(v.getBigUint64(o, true));
    default: return (v, o) => v.getUint8(o); // u1, b1
  }
}

interface OpenNpy {
  file: string;
  handle: FileHandle;
  header: NpyHeader;
}

async function openNpy(path: string): Promise<OpenNpy> {
  const file = basename(path);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new DatasetError(`cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    const start = Buffer.alloc(Math.min(12, size));
    await handle.read(start, 0, start.length, 0);
    const { textStart, textLength } = preamble(start, file);
    const head = Buffer.alloc(Math.min(textStart + textLength, size));
    await handle.read(head, 0, head.length, 0);
    const header = parseNpyHeader(head, file);
    const declared = header.dataOffset + header.count * header.itemSize;
    if (size < declared) throw new DatasetError(`${file}: truncated: shape (${header.shape.join(', ')}) of ${header.descr} needs ${declared} bytes, the file has ${size}`);
    if (size > declared) throw new DatasetError(`${file}: ${size - declared} unexpected bytes after the data its header declares`);
    return { file, handle, header };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Calls `each(value, index)` for every element, reading the file in bounded chunks. */
async function forEachValue(npy: OpenNpy, each: (value: number, index: number) => void): Promise<void> {
  const { header, handle, file } = npy;
  const perChunk = Math.max(1, Math.floor((8 << 20) / header.itemSize));
  const chunk = Buffer.alloc(Math.min(perChunk, header.count) * header.itemSize);
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const read = elementReader(header);
  for (let first = 0; first < header.count; first += perChunk) {
    const n = Math.min(perChunk, header.count - first);
    const { bytesRead } = await handle.read(chunk, 0, n * header.itemSize, header.dataOffset + first * header.itemSize);
    if (bytesRead < n * header.itemSize) throw new DatasetError(`${file}: file ended early (truncated)`);
    for (let i = 0; i < n; i++) each(read(view, i * header.itemSize), first + i);
  }
}

async function readFeatures(npy: OpenNpy, asPixels: boolean): Promise<StoredFeatures> {
  const { header, file } = npy;
  if (asPixels) {
    const data = new Uint8Array(header.count);
    await forEachValue(npy, (v, i) => (data[i] = v));
    return { type: 'u8', data };
  }
  const data = new Float32Array(header.count);
  const rowSize = header.count / header.shape[0];
  await forEachValue(npy, (v, i) => {
    if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
      throw new DatasetError(`${file}: sample ${Math.floor(i / rowSize)}, value ${i % rowSize} is ${v}; features must be finite 32-bit floats`);
    }
    data[i] = v;
  });
  return { type: 'f32', data };
}

export interface NpyDataset {
  features: StoredFeatures;
  y: Int32Array;
  classNames: string[];
  inputShape: number[];
  kind: 'image' | 'tabular';
  count: number;
}

function sampleShape(shape: number[], file: string): { inputShape: number[]; kind: 'image' | 'tabular' } {
  const inner = shape.slice(1);
  if (inner.length === 0) return { inputShape: [1], kind: 'tabular' };
  if (inner.length === 1) return { inputShape: inner, kind: 'tabular' };
  if (inner.length === 2) return { inputShape: [...inner, 1], kind: 'image' };
  if (inner.length === 3) return { inputShape: inner, kind: 'image' };
  throw new DatasetError(`${file}: samples of shape (${inner.join(', ')}) are not supported; use vectors [D], images [H, W] or [H, W, C]`);
}

/** x.npy + y.npy → features and classes. Both headers are checked against each other before the data is read. */
export async function readNpyPair(xPath: string, yPath: string): Promise<NpyDataset> {
  const x = await openNpy(xPath);
  try {
    const y = await openNpy(yPath);
    try {
      const yh = y.header;
      if (yh.kind === 'f' || yh.kind === 'b') {
        throw new DatasetError(`${y.file}: labels must be integers, got dtype ${yh.descr}; save them with y.astype('int64')`);
      }
      if (yh.shape.length > 2 || (yh.shape.length === 2 && yh.shape[1] !== 1)) {
        throw new DatasetError(`${y.file}: labels must have shape (N,), got (${yh.shape.join(', ')})`);
      }
      if (yh.shape[0] !== x.header.shape[0]) {
        throw new DatasetError(`${x.file} has ${x.header.shape[0]} samples but ${y.file} has ${yh.shape[0]} labels; they must match`);
      }
      const { inputShape, kind } = sampleShape(x.header.shape, x.file);
      // uint8 images are pixels: stored as bytes and scaled to [0, 1] like every image in Epochlab.
      const features = await readFeatures(x, kind === 'image' && x.header.kind === 'u' && x.header.itemSize === 1);
      const raw = new Float64Array(yh.count);
      await forEachValue(y, (v, i) => (raw[i] = v));
      const { y: labels, classNames } = integerLabelsToClasses(raw, y.file);
      return { features, y: labels, classNames, inputShape, kind, count: yh.count };
    } finally {
      await y.handle.close();
    }
  } finally {
    await x.handle.close();
  }
}

/** The NPY import format's reader (contract/dataset-formats.ts). */
export async function readNpyImport(source: ImportSourceOf<'npy'>): Promise<NewImport> {
  const d = await readNpyPair(source.x, source.y);
  return {
    kind: d.kind,
    description: `NumPy ${basename(source.x)} + ${basename(source.y)}: ${d.count} samples of shape [${d.inputShape.join(', ')}].`,
    inputShape: d.inputShape,
    classNames: d.classNames,
    features: d.features,
    y: d.y,
  };
}
