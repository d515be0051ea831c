/**
 * IDX files as MNIST ships them (raw or gzip): images 0x00000803 uint8 [N, rows, cols], labels 0x00000801
 * uint8 [N]. Both headers are read and checked against each other and against the file before anything
 * large is allocated; gzip is inflated as a stream that stops at the size the header declares.
 */
import { createReadStream, closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { ImportSourceOf } from '../../contract/dataset-formats';
import { integerLabelsToClasses } from './classes';
import type { NewImport } from './imported';
import { DatasetError, MAX_VALUES } from './types';

export type IdxRole = 'images' | 'labels';

export interface IdxHeader {
  role: IdxRole;
  count: number;
  /** Dimensions of one item: [rows, cols] for images, [] for labels. */
  itemDims: number[];
  headerBytes: number;
  dataBytes: number;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
const EXPECTED = {
  images: { ndim: 3, shape: '[count, rows, cols]' },
  labels: { ndim: 1, shape: '[count]' },
} as const;
const MAX_HEADER = 4 + 4 * 3;
const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** Validates an IDX header from the first bytes of the (inflated) file. Pure: tests feed it bytes. */
export function parseIdxHeader(head: Uint8Array, file: string, role: IdxRole): IdxHeader {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length < 4) throw new DatasetError(`${file}: too short for an IDX header (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(`${file}: not an IDX file (starts with ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00)`);
  }
  const type = bytes[2];
  if (!(type in TYPE_NAMES)) throw new DatasetError(`${file}: unknown IDX data type ${hex(type)}`);
  if (type !== 0x08) {
    throw new DatasetError(`${file}: IDX data type ${TYPE_NAMES[type]} (${hex(type)}) is not supported; ${role} must be unsigned bytes (0x08) as in MNIST`);
  }
  const ndim = bytes[3];
  const expected = EXPECTED[role];
  if (ndim !== expected.ndim) {
    throw new DatasetError(`${file}: an IDX ${role} file has ${expected.ndim} dimension${expected.ndim > 1 ? 's' : ''} ${expected.shape}, this one declares ${ndim}`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new DatasetError(`${file}: truncated IDX header (${bytes.length} of ${headerBytes} bytes)`);
  const dims = Array.from({ length: ndim }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  if (dims[0] === 0) throw new DatasetError(`${file}: the IDX header declares 0 ${role}; the dataset would be empty`);
  if (dims.some((d) => d === 0)) throw new DatasetError(`${file}: the IDX header declares a zero dimension (${dims.join(' × ')})`);
  // Doubles hold products of three 32-bit numbers well enough to compare against the limit.
  const values = dims.reduce((a, b) => a * b, 1);
  if (values > MAX_VALUES) {
    throw new DatasetError(`${file}: the IDX header declares ${dims.join(' × ')} = ${values} values, more than Epochlab accepts (${MAX_VALUES})`);
  }
  return { role, count: dims[0], itemDims: dims.slice(1), headerBytes, dataBytes: values };
}

const isGzip = (head: Uint8Array) => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

interface IdxSource {
  path: string;
  file: string;
  gzip: boolean;
  header: IdxHeader;
}

function readStart(path: string, length: number): { bytes: Buffer; size: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DatasetError(`cannot open ${path}: ${(err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const bytes = Buffer.alloc(Math.min(length, size));
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return { bytes: bytes.subarray(0, done), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Streams the inflated file into a buffer of exactly `limit` bytes, or fewer when `stopEarly`; inflating
 * past the limit is refused: a valid file never does, a decompression bomb does.
 */
async function inflateBounded(path: string, file: string, limit: number, stopEarly: boolean): Promise<Buffer> {
  const out = Buffer.alloc(limit);
  let filled = 0;
  const input = createReadStream(path);
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const room = limit - filled;
      chunk.copy(out, filled, 0, Math.min(room, chunk.length));
      filled += Math.min(room, chunk.length);
      if (chunk.length > room) {
        if (stopEarly) break;
        throw new DatasetError(`${file}: decompresses to more than the ${limit} bytes its IDX header declares (corrupt file or decompression bomb)`);
      }
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`${file}: not valid gzip data (${(err as Error).message})`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return out.subarray(0, filled);
}

async function openIdx(path: string, role: IdxRole): Promise<IdxSource> {
  const file = basename(path);
  const { bytes, size } = readStart(path, MAX_HEADER);
  if (size === 0) throw new DatasetError(`${file}: the file is empty`);
  const gzip = isGzip(bytes);
  const head = gzip ? await inflateBounded(path, file, MAX_HEADER, true) : bytes;
  const header = parseIdxHeader(head, file, role);
  if (!gzip) {
    const declared = header.headerBytes + header.dataBytes;
    if (size < declared) {
      throw new DatasetError(`${file}: truncated: the IDX header declares ${declared} bytes (${header.count} ${role}), the file has ${size}`);
    }
    if (size > declared) throw new DatasetError(`${file}: ${size - declared} unexpected bytes after the ${header.count} ${role} its header declares`);
  }
  return { path, file, gzip, header };
}

async function readData(source: IdxSource): Promise<Uint8Array> {
  const { header, file } = source;
  const total = header.headerBytes + header.dataBytes;
  const bytes = source.gzip ? await inflateBounded(source.path, file, total, false) : readStart(source.path, total).bytes;
  if (bytes.length < total) {
    const got = source.gzip ? `it inflates to ${bytes.length}` : `the file has ${bytes.length}`;
    throw new DatasetError(`${file}: truncated: the IDX header declares ${total} bytes (${header.count} ${header.role}), ${got}`);
  }
  return bytes.subarray(header.headerBytes);
}

export interface IdxDataset {
  pixels: Uint8Array;
  y: Int32Array;
  classNames: string[];
  inputShape: number[];
  count: number;
}

/** An MNIST-style pair of IDX files → uint8 pixels [N, rows, cols, 1] and class labels. */
export async function readIdxPair(imagesPath: string, labelsPath: string): Promise<IdxDataset> {
  const images = await openIdx(imagesPath, 'images');
  const labels = await openIdx(labelsPath, 'labels');
  if (images.header.count !== labels.header.count) {
    throw new DatasetError(`${images.file} holds ${images.header.count} images but ${labels.file} holds ${labels.header.count} labels; they must match`);
  }
  const pixels = await readData(images);
  const { y, classNames } = integerLabelsToClasses(await readData(labels), labels.file);
  const [rows, cols] = images.header.itemDims;
  return { pixels, y, classNames, inputShape: [rows, cols, 1], count: images.header.count };
}

/** The IDX import format's reader (contract/dataset-formats.ts). */
export async function readIdxImport(source: ImportSourceOf<'idx'>): Promise<NewImport> {
  const d = await readIdxPair(source.images, source.labels);
  return {
    kind: 'image',
    description: `IDX ${basename(source.images)} + ${basename(source.labels)}: ${d.count} images of ${d.inputShape[0]}×${d.inputShape[1]} pixels.`,
    inputShape: d.inputShape,
    classNames: d.classNames,
    features: { type: 'u8', data: d.pixels },
    y: d.y,
  };
}
