/**
 * EpochlabRows: a training batch made straight from the dataset's arrays — rows order[start …
 * start + size) of `source`, copied into a new tensor in the heap. The training loop used to lay out a
 * shuffled copy of the whole training set every epoch and then copy each batch from it into the heap:
 * two passes over the data, the first one in random order over the whole set. This is one pass over the
 * batch's rows only, into memory the first layer reads next. No inputs; the arrays come as attributes.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, heapOf, ptr } from './heap';

export const ROWS = 'EpochlabRows';

export interface RowsAttrs {
  source: Float32Array | Int32Array;
  /** Row indices into source; null: rows start … start + size in order. */
  order: Int32Array | Uint32Array | null;
  start: number;
  size: number;
  /** Shape of one row; its product is the row length in source. */
  rowShape: number[];
}

/** Checks the attributes and returns the row length. */
export function checkRows(attrs: RowsAttrs): number {
  const { source, order, start, size, rowShape } = attrs;
  const width = rowShape.reduce((a, b) => a * b, 1);
  const rows = width > 0 ? source.length / width : 0;
  const last = order ? order.length : rows;
  if (!Number.isInteger(start) || !Number.isInteger(size) || start < 0 || size < 0 || start + size > last) {
    throw new Error(`rows ${start} … ${start + size} are outside the ${last} rows available`);
  }
  return width;
}

function rows(args: { backend: BackendWasm; attrs: RowsAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const { source, order, start, size, rowShape } = attrs;
  const width = checkRows(attrs);
  const rowCount = source.length / width;
  const dtype = source instanceof Float32Array ? 'float32' : 'int32';
  const out = alloc(backend, [size, ...rowShape], dtype);
  if (size * width === 0) return out;
  const heap = dtype === 'float32' ? heapOf(backend).HEAPF32 : heapOf(backend).HEAP32;
  const base = ptr(backend, out) / 4;
  if (order === null) {
    heap.set(source.subarray(start * width, (start + size) * width), base);
  } else {
    for (let i = 0; i < size; i++) {
      const r = order[start + i];
      if (!(r >= 0 && r < rowCount)) throw new Error(`row ${r} is outside the source's ${rowCount} rows`);
      if (width === 1) heap[base + i] = source[r];
      else heap.set(source.subarray(r * width, (r + 1) * width), base + i * width);
    }
  }
  return out;
}

export const rowsKernel = rows as unknown as KernelFunc;
