/**
 * Slice, Identity and same-dtype Cast without copying more than they must. The stock wasm Slice calls
 * backend.readSync(x), which copies the entire tensor out of the heap on every call: taking a 128-row
 * batch from an 8192-row dataset copied 25 MB (milliseconds per step, more than the MLP's whole forward
 * pass). We copy only the rows asked for, with copyWithin inside the heap. Identity and a cast to the
 * same dtype share the buffer (as the cpu backend and the wasm Reshape do) instead of copying it —
 * safe because no kernel writes into an existing buffer.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { CastAttrs, IdentityInputs, KernelFunc, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { getTf } from '../tf';
import { alloc, heapOf, ptr, stockKernel } from './heap';

function slice(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SliceAttrs }): TensorInfo {
  const { inputs: { x }, backend, attrs } = args;
  if (x.dtype === 'string') return stockKernel('Slice')(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  const tf = getTf();
  const [begin, size] = tf.slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
  const out = alloc(backend, size, x.dtype);
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return out;
  const bpe = tf.util.bytesPerElement(x.dtype);
  const heap = heapOf(backend).HEAPU8;
  const src = ptr(backend, x);
  const dst = ptr(backend, out);
  if (x.shape.length === 0) {
    heap.copyWithin(dst, src, src + bpe);
    return out;
  }
  const rank = x.shape.length;
  const strides = [...tf.util.computeStrides(x.shape), 1];
  // Trailing axes taken whole merge with the last partial one into a single contiguous run.
  let inner = rank - 1;
  let run = size[inner];
  while (inner > 0 && size[inner] === x.shape[inner]) {
    inner--;
    run *= size[inner];
  }
  const runBytes = run * bpe;
  const count = total / run;
  // The outer axes [0, inner) are walked like an odometer; idx holds the position within the slice.
  const idx = new Array<number>(inner).fill(0);
  for (let n = 0, o = dst; n < count; n++, o += runBytes) {
    let offset = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) offset += (begin[d] + idx[d]) * strides[d];
    const s = src + offset * bpe;
    heap.copyWithin(o, s, s + runBytes);
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function identity(args: { inputs: IdentityInputs; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string') return stockKernel('Identity')(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** A cast to the same dtype (tfjs' ReLU gradient does one per layer) shares the buffer, as on cpu. */
function cast(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: CastAttrs }): TensorInfo {
  const { inputs: { x }, backend, attrs } = args;
  if (x.dtype !== attrs.dtype || x.dtype === 'string') return stockKernel('Cast')(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const castKernel = cast as unknown as KernelFunc;
export const sliceKernel = slice as unknown as KernelFunc;
export const identityKernel = identity as unknown as KernelFunc;
