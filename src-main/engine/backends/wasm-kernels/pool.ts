/**
 * Pooling gradients. The stock MaxPoolGrad and AvgPoolGrad are scalar loops (~18 ms and ~8 ms for a
 * 2×2 pool over 128×26×26×8); the SIMD versions in simd/kernels.c work on four channels at a time.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { AvgPoolGradAttrs, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { getTf } from '../tf';
import { alloc, ptr } from './heap';
import { simdKernels } from './simd';

function maxPoolGrad(args: { inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo }; backend: BackendWasm; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { inputs: { dy, input, output }, backend, attrs } = args;
  const info = getTf().backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const dx = alloc(backend, input.shape);
  simdKernels(backend).max_pool_grad(
    ptr(backend, input), ptr(backend, output), ptr(backend, dy), ptr(backend, dx), info.batchSize, info.inHeight, info.inWidth,
    info.inChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
    info.dilationWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
  );
  return dx;
}

function avgPoolGrad(args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: BackendWasm; attrs: AvgPoolGradAttrs }): TensorInfo {
  const { inputs: { dy, input }, backend, attrs } = args;
  const info = getTf().backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad,
  );
  const dx = alloc(backend, input.shape);
  // Same scale as tfjs' cpu kernel: 1 / window area, also for border windows that overlap the padding.
  simdKernels(backend).avg_pool_grad(
    ptr(backend, dy), ptr(backend, dx), info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight,
    info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top,
    info.padInfo.left, info.outHeight, info.outWidth, 1 / (info.filterHeight * info.filterWidth),
  );
  return dx;
}

export const maxPoolGradKernel = maxPoolGrad as unknown as KernelFunc;
export const avgPoolGradKernel = avgPoolGrad as unknown as KernelFunc;
