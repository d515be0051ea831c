/**
 * UnsortedSegmentSum, missing from the stock backend; tfjs needs it for the gradient of gather
 * (embedding lookups, tf.gather in a loss). Linear in the input, so plain JS on the heap is enough.
 * Like tfjs' own callers we take 1-D segment ids; ids outside [0, numSegments) are dropped, as in TF.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { alloc, f32View, i32View } from './heap';

function unsortedSegmentSum(args: { inputs: { x: TensorInfo; segmentIds: TensorInfo }; backend: BackendWasm; attrs: UnsortedSegmentSumAttrs }): TensorInfo {
  const { inputs: { x, segmentIds }, backend, attrs: { numSegments } } = args;
  if (segmentIds.shape.length !== 1) throw new Error(`wasm UnsortedSegmentSum takes 1-D segment ids (got shape [${segmentIds.shape}])`);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`wasm UnsortedSegmentSum does not support ${x.dtype}`);
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = alloc(backend, [numSegments, ...x.shape.slice(1)], x.dtype);
  const view = x.dtype === 'float32' ? f32View : i32View;
  const o = view(backend, out);
  const xs = view(backend, x);
  const ids = i32View(backend, segmentIds);
  o.fill(0); // views are taken after the one allocation, so a heap growth cannot detach them
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
  }
  return out;
}

export const unsortedSegmentSumKernel = unsortedSegmentSum as unknown as KernelFunc;
