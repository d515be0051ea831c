/**
 * Sum and Mean over leading axes — bias gradients (sum over batch, or batch × height × width) and batch
 * norm statistics. The stock kernels reduce only the innermost axes and transpose everything else first
 * (1.3 ms for the bias gradient of a 128×26×26×8 activation); a column sum needs no transpose.
 * Other reductions go to the stock kernels.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, MeanAttrs, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { getTf } from '../tf';
import { alloc, ptr, stockKernel } from './heap';
import { simdKernels } from './simd';

/** Number of leading axes reduced, or 0 when the reduction is not a proper prefix of the axes. */
function leadingAxes(x: TensorInfo, axis: number | number[]): number {
  const axes = [...getTf().util.parseAxisParam(axis, x.shape)].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= x.shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

function reduceLeading(kind: 'Sum' | 'Mean', args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs | MeanAttrs }): TensorInfo {
  const { inputs: { x }, backend, attrs } = args;
  const k = x.dtype === 'float32' ? leadingAxes(x, attrs.axis) : 0;
  if (k === 0) return stockKernel(kind)(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(k);
  const cols = rest.reduce((a, b) => a * b, 1);
  const out = alloc(backend, attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest);
  simdKernels(backend).sum_rows(ptr(backend, x), ptr(backend, out), rows, cols, kind === 'Mean' && rows > 0 ? 1 / rows : 1);
  return out;
}

export const sumKernel = ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }) => reduceLeading('Sum', args)) as unknown as KernelFunc;
export const meanKernel = ((args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: MeanAttrs }) => reduceLeading('Mean', args)) as unknown as KernelFunc;
