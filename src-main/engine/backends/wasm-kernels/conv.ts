/**
 * Convolution gradients for tfjs-backend-wasm (NHWC).
 *
 * Conv2DBackpropFilter is missing from the stock backend, so convolutional nets cannot train on it at
 * all; Conv2DBackpropInput exists but is a scalar loop (~25 ms for one 3×3×8→16 layer at B = 128).
 * Both become SIMD wasm (simd/kernels.c) around a matrix product:
 *   dW[K × Cout]  = colsᵀ[K × M] · dy[M × Cout]            (K = KH·KW·Cin, M = N·OH·OW)
 *   dx            = col2im(dy[M × Cout] · Wᵀ[Cout × K])
 * The products are our register-tiled kernel (gemm): XNNPACK would repack an activation-sized operand
 * on every call. For stride 1 the input gradient is also a plain convolution of dy with the flipped
 * filter, which XNNPACK's own convolution does without materialising the columns; that path is the
 * default there (measured even with the im2col path for few channels, ahead with many — noisy).
 * The forward Conv2D stays XNNPACK's: im2col + gemm was no faster (3×3×1→8: 3.5 vs 1.4 ms at B = 128).
 * The batch is cut into chunks so the column buffer stays a few MB whatever the layer size.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type {
  Conv2DBackpropFilterAttrs, Conv2DBackpropInputAttrs, DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs, KernelFunc, TensorInfo, backend_util,
} from '@tensorflow/tfjs-core';
import { getTf } from '../tf';
import { alloc, f32View, free, ptr, runStock, view } from './heap';
import { simdKernels } from './simd';

type ConvInfo = backend_util.Conv2DInfo;

/** Tunables, exposed so that tests can force each path and the bench can compare them. */
export const convOptions = {
  /** 'auto' = XNNPACK convolution when stride is 1 and the padding allows it, im2col + matmul otherwise. */
  inputGrad: 'auto' as 'auto' | 'conv' | 'gemm',
  /** Upper bound on the floats of one column buffer (one batch chunk) of the input gradient. */
  chunkFloats: 1 << 20,
  /** The same for the filter gradient, whose columns are consumed right away: sized for the L2 cache. */
  filterChunkFloats: 1 << 16,
};

function requireNhwc(dataFormat: string, kernel: string): void {
  if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`wasm ${kernel} supports only NHWC data (got ${dataFormat})`);
  }
}

function batchChunk(info: ConvInfo, k: number, floats = convOptions.chunkFloats): number {
  return Math.max(1, Math.min(info.batchSize, Math.floor(floats / Math.max(1, k * info.outHeight * info.outWidth))));
}

function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  requireNhwc(attrs.dataFormat, 'Conv2DBackpropFilter');
  const info = getTf().backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const K = info.filterHeight * info.filterWidth * C;
  const simd = simdKernels(backend);
  const dw = alloc(backend, [...attrs.filterShape]);
  f32View(backend, dw).fill(0); // chunks accumulate into it
  // Small chunks: the columns of one chunk are still in cache when the product reads them.
  const chunk = batchChunk(info, K, convOptions.filterChunkFloats);
  const cols = alloc(backend, [K, chunk * OH * OW]);
  try {
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const nc = Math.min(chunk, N - n0);
      const M = nc * OH * OW;
      simd.im2col_t(
        ptr(backend, x) + n0 * H * W * C * 4, ptr(backend, cols), nc, H, W, C, info.filterHeight, info.filterWidth,
        info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left, OH, OW,
      );
      simd.gemm(ptr(backend, cols), ptr(backend, dy) + n0 * OH * OW * CO * 4, ptr(backend, dw), K, M, CO, M, 1, 1);
    }
  } finally {
    free(backend, cols);
  }
  return dw;
}

/** Explicit 'full' padding that turns the input gradient of a stride-1 convolution into a convolution, or null. */
function fullPadding(info: ConvInfo): [[number, number], [number, number], [number, number], [number, number]] | null {
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const t = info.filterHeight - 1 - info.padInfo.top;
  const l = info.filterWidth - 1 - info.padInfo.left;
  const b = info.inHeight - 1 + info.filterHeight - info.outHeight - t;
  const r = info.inWidth - 1 + info.filterWidth - info.outWidth - l;
  if (t < 0 || l < 0 || b < 0 || r < 0) return null;
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

/** W[KH, KW, C, CO] → W'[KH, KW, CO, C] flipped in space: the filter of the transposed convolution. */
function flippedFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [KH, KW, C, CO] = filter.shape;
  const out = alloc(backend, [KH, KW, CO, C]);
  const w = f32View(backend, filter);
  const o = f32View(backend, out);
  for (let i = 0; i < KH; i++) {
    for (let j = 0; j < KW; j++) {
      const src = ((KH - 1 - i) * KW + (KW - 1 - j)) * C * CO;
      const dst = (i * KW + j) * CO * C;
      for (let c = 0; c < C; c++) {
        for (let co = 0; co < CO; co++) o[dst + co * C + c] = w[src + c * CO + co];
      }
    }
  }
  return out;
}

function conv2DBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  requireNhwc(attrs.dataFormat, 'Conv2DBackpropInput');
  const info = getTf().backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const pad = convOptions.inputGrad === 'gemm' ? null : fullPadding(info);
  if (pad) {
    const w = flippedFilter(backend, filter);
    try {
      return runStock('Conv2D', backend, { x: dy, filter: w }, { strides: 1, pad, dilations: 1, dataFormat: 'NHWC' });
    } finally {
      free(backend, w);
    }
  }
  if (convOptions.inputGrad === 'conv') throw new Error('Conv2DBackpropInput: the convolution path needs stride 1 and padding below the filter size');

  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const K = info.filterHeight * info.filterWidth * C;
  const simd = simdKernels(backend);
  const wt = runStock('Transpose', backend, { x: view(filter, [K, CO]) }, { perm: [1, 0] });
  const dx = alloc(backend, [...attrs.inputShape]);
  const chunk = batchChunk(info, K);
  const cols = alloc(backend, [chunk * OH * OW, K]);
  try {
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const nc = Math.min(chunk, N - n0);
      const M = nc * OH * OW;
      simd.gemm(ptr(backend, dy) + n0 * OH * OW * CO * 4, ptr(backend, wt), ptr(backend, cols), M, CO, K, CO, 1, 0);
      simd.col2im(
        ptr(backend, cols), ptr(backend, dx) + n0 * H * W * C * 4, nc, H, W, C, info.filterHeight, info.filterWidth,
        info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left, OH, OW,
      );
    }
  } finally {
    free(backend, wt, cols);
  }
  return dx;
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: { strides: [number, number] | number; dilations: [number, number] | number; pad: Conv2DBackpropInputAttrs['pad']; dimRoundingMode?: 'floor' | 'round' | 'ceil' }): ConvInfo {
  return getTf().backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides, attrs.dilations,
    attrs.pad, attrs.dimRoundingMode, true,
  );
}

function depthwiseFilterGrad(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: DepthwiseConv2dNativeBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs);
  const out = alloc(backend, [...attrs.filterShape]);
  simdKernels(backend).depthwise_filter_grad(
    ptr(backend, x), ptr(backend, dy), ptr(backend, out), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    attrs.filterShape[3], info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
    info.dilationWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
  );
  return out;
}

function depthwiseInputGrad(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { inputs: { dy, filter }, backend, attrs } = args;
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
  const out = alloc(backend, [...attrs.inputShape]);
  simdKernels(backend).depthwise_input_grad(
    ptr(backend, dy), ptr(backend, filter), ptr(backend, out), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    filter.shape[3], info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
    info.dilationWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
  );
  return out;
}

export const conv2DBackpropFilterKernel = conv2DBackpropFilter as unknown as KernelFunc;
export const conv2DBackpropInputKernel = conv2DBackpropInput as unknown as KernelFunc;
export const depthwiseFilterGradKernel = depthwiseFilterGrad as unknown as KernelFunc;
export const depthwiseInputGradKernel = depthwiseInputGrad as unknown as KernelFunc;
