/**
 * The compact file Epochlab keeps a dataset in (the MNIST cache and every import): a small header, the labels,
 * then the features. Labels come first so that describing a dataset reads a few kilobytes, not the pixels.
 *
 *   0  'EPDS'            4  u16 format version     6  u8 x type (1 = uint8 pixels, /255 on load; 2 = float32)
 *   7  u8 y type (1 = uint8, 2 = uint16)           8  u32 rows      12  u32 ndim
 *   16 32-byte sha256 fingerprint of the whole dataset                48  u32 × ndim sample shape
 *   then rows labels, then (padded to 4 bytes) rows × prod(shape) features. All little-endian.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pixelsToUnit } from './fingerprint';
import { DatasetError } from './types';

const MAGIC = 'EPDS';
export const DATASET_FILE_VERSION = 1;
const FIXED_HEADER = 48;
const X_U8 = 1;
const X_F32 = 2;
const Y_U8 = 1;
const Y_U16 = 2;

export type StoredFeatures = { type: 'u8'; data: Uint8Array } | { type: 'f32'; data: Float32Array };
/** uint8 pixels already written, row after row, to a file of their own (a reader that streams its rows). */
export interface StagedPixels {
  type: 'u8-file';
  path: string;
}

export interface DatasetFileHeader {
  version: number;
  xType: 'u8' | 'f32';
  yBytes: 1 | 2;
  rows: number;
  inputShape: number[];
  fingerprint: string;
  labelsOffset: number;
  featuresOffset: number;
  /** Values per row: prod(inputShape). */
  rowSize: number;
}

function assertLittleEndianHost(): void {
  // Float32 payloads are written and read as raw bytes; on a big-endian host they would be silently wrong.
  if (endianness() !== 'LE') throw new DatasetError('Epochlab dataset files are little-endian; this machine is big-endian');
}

const align4 = (n: number) => (n + 3) & ~3;

function layout(rows: number, inputShape: number[], xType: 'u8' | 'f32', yBytes: number) {
  const labelsOffset = FIXED_HEADER + 4 * inputShape.length;
  const featuresOffset = align4(labelsOffset + rows * yBytes);
  const rowSize = inputShape.reduce((a, b) => a * b, 1);
  const total = featuresOffset + rows * rowSize * (xType === 'u8' ? 1 : 4);
  return { labelsOffset, featuresOffset, rowSize, total };
}

/** Writes through a temporary file and a rename, so a reader never sees half a file (e.g. after a crash). */
export function writeDatasetFile(
  path: string,
  data: { x: StoredFeatures | StagedPixels; y: Int32Array; inputShape: number[]; fingerprint: string },
): void {
  assertLittleEndianHost();
  const rows = data.y.length;
  const maxLabel = data.y.reduce((m, v) => Math.max(m, v), 0);
  if (maxLabel > 0xffff) throw new DatasetError(`cannot store label ${maxLabel}: at most 65536 classes`);
  const yBytes = maxLabel > 0xff ? 2 : 1;
  const xType = data.x.type === 'f32' ? 'f32' : 'u8';
  const { labelsOffset, featuresOffset, rowSize } = layout(rows, data.inputShape, xType, yBytes);
  const values = data.x.type === 'u8-file' ? fileSize(data.x.path) : data.x.data.length;
  if (values !== rows * rowSize) {
    throw new DatasetError(`features hold ${values} values, expected ${rows} rows × ${rowSize}`);
  }
  const head = Buffer.alloc(featuresOffset);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt16LE(DATASET_FILE_VERSION, 4);
  head.writeUInt8(xType === 'u8' ? X_U8 : X_F32, 6);
  head.writeUInt8(yBytes === 1 ? Y_U8 : Y_U16, 7);
  head.writeUInt32LE(rows, 8);
  head.writeUInt32LE(data.inputShape.length, 12);
  Buffer.from(data.fingerprint, 'hex').copy(head, 16);
  data.inputShape.forEach((d, i) => head.writeUInt32LE(d, FIXED_HEADER + 4 * i));
  for (let i = 0; i < rows; i++) {
    if (yBytes === 1) head.writeUInt8(data.y[i], labelsOffset + i);
    else head.writeUInt16LE(data.y[i], labelsOffset + 2 * i);
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      // writeFileSync on a descriptor loops over short writes.
      writeFileSync(fd, head);
      if (data.x.type === 'u8-file') copyInto(fd, data.x.path, values);
      else writeFileSync(fd, new Uint8Array(data.x.data.buffer, data.x.data.byteOffset, data.x.data.byteLength));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function fileSize(path: string): number {
  return withFile(path, (fd) => fstatSync(fd).size);
}

/** Appends `bytes` bytes of the file at `from` to the open descriptor, in bounded chunks. */
function copyInto(fd: number, from: string, bytes: number): void {
  withFile(from, (source) => {
    const chunk = Buffer.alloc(Math.min(8 << 20, Math.max(1, bytes)));
    for (let done = 0; done < bytes;) {
      const n = Math.min(chunk.length, bytes - done);
      readExactly(source, chunk.subarray(0, n), done, from);
      writeFileSync(fd, chunk.subarray(0, n));
      done += n;
    }
  });
}

function readExactly(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new DatasetError(`${path}: file ended early (truncated)`);
    done += n;
  }
}

function readHeader(fd: number, path: string): DatasetFileHeader {
  assertLittleEndianHost();
  const size = fstatSync(fd).size;
  if (size < FIXED_HEADER) throw new DatasetError(`${path}: not an Epochlab dataset file (${size} bytes, too short)`);
  const fixed = Buffer.alloc(FIXED_HEADER);
  readExactly(fd, fixed, 0, path);
  if (fixed.toString('latin1', 0, 4) !== MAGIC) throw new DatasetError(`${path}: not an Epochlab dataset file (bad magic)`);
  const version = fixed.readUInt16LE(4);
  if (version !== DATASET_FILE_VERSION) {
    throw new DatasetError(`${path}: dataset file format ${version}, this Epochlab reads format ${DATASET_FILE_VERSION}`);
  }
  const xCode = fixed.readUInt8(6);
  const yCode = fixed.readUInt8(7);
  if ((xCode !== X_U8 && xCode !== X_F32) || (yCode !== Y_U8 && yCode !== Y_U16)) {
    throw new DatasetError(`${path}: unknown value types in dataset file (x ${xCode}, y ${yCode})`);
  }
  const rows = fixed.readUInt32LE(8);
  const ndim = fixed.readUInt32LE(12);
  if (ndim < 1 || ndim > 8) throw new DatasetError(`${path}: corrupt dataset file (${ndim} dimensions)`);
  const dims = Buffer.alloc(4 * ndim);
  readExactly(fd, dims, FIXED_HEADER, path);
  const inputShape = Array.from({ length: ndim }, (_, i) => dims.readUInt32LE(4 * i));
  const xType = xCode === X_U8 ? 'u8' : 'f32';
  const yBytes = yCode === Y_U8 ? 1 : 2;
  const l = layout(rows, inputShape, xType, yBytes);
  if (l.total !== size) {
    throw new DatasetError(`${path}: corrupt or truncated dataset file (${size} bytes, its header implies ${l.total})`);
  }
  return {
    version,
    xType,
    yBytes,
    rows,
    inputShape,
    fingerprint: fixed.toString('hex', 16, 48),
    labelsOffset: l.labelsOffset,
    featuresOffset: l.featuresOffset,
    rowSize: l.rowSize,
  };
}

function withFile<T>(path: string, fn: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DatasetError(`cannot open dataset file ${path}: ${(err as Error).message}`);
  }
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

function readLabels(fd: number, path: string, header: DatasetFileHeader, rows: number): Int32Array {
  const bytes = Buffer.alloc(rows * header.yBytes);
  readExactly(fd, bytes, header.labelsOffset, path);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = header.yBytes === 1 ? bytes[i] : bytes.readUInt16LE(2 * i);
  return y;
}

export function readDatasetHeader(path: string): DatasetFileHeader {
  return withFile(path, (fd) => readHeader(fd, path));
}

/** The header and the labels of the first `limit` rows: enough to describe a dataset without its features. */
export function readDatasetLabels(path: string, limit?: number): { header: DatasetFileHeader; y: Int32Array } {
  return withFile(path, (fd) => {
    const header = readHeader(fd, path);
    return { header, y: readLabels(fd, path, header, Math.min(limit ?? header.rows, header.rows)) };
  });
}

export function readDatasetFile(path: string, limit?: number): { header: DatasetFileHeader; x: Float32Array; y: Int32Array } {
  return withFile(path, (fd) => {
    const header = readHeader(fd, path);
    const rows = Math.min(limit ?? header.rows, header.rows);
    const y = readLabels(fd, path, header, rows);
    const n = rows * header.rowSize;
    const x = new Float32Array(n);
    if (header.xType === 'f32') {
      readExactly(fd, new Uint8Array(x.buffer), header.featuresOffset, path);
    } else {
      const pixels = Buffer.alloc(n);
      readExactly(fd, pixels, header.featuresOffset, path);
      pixelsToUnit(pixels, x);
    }
    return { header, x, y };
  });
}
