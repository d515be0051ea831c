/** Test helpers: a throwaway data folder, and byte builders for the binary formats under test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach } from 'vitest';
import type { DatasetContext } from '../../../src-main/engine/datasets/catalog';

/** A fresh data folder per test in os.tmpdir(), removed afterwards. */
export function useTempDir(): () => string {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), 'epochlab-datasets-')));
}

export function contextIn(dir: string): DatasetContext {
  return { dataDir: dir };
}

export function writeFile(dir: string, name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

/** An IDX file: 0x00 0x00, type, ndim, big-endian dims, then the data. */
export function idxBytes(type: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

export const gzip = (bytes: Uint8Array): Buffer => gzipSync(bytes);

/** A .npy file as NumPy writes it: header dict padded with spaces to a 64-byte boundary, then the data. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { version?: 1 | 2 | 3; fortran?: boolean; dict?: string } = {},
): Buffer {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = options.dict ?? `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict + ' '.repeat(63 - ((prefix + dict.length) % 64)) + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from('\x93NUMPY', 'latin1').copy(head, 0);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, 'latin1'), data]);
}

export const f32Bytes = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
export const f64Bytes = (values: number[]) => Buffer.from(Float64Array.from(values).buffer);
export const i64Bytes = (values: number[]) => Buffer.from(BigInt64Array.from(values.map(BigInt)).buffer);
