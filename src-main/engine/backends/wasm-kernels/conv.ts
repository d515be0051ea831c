/**
 * Convolutions for tfjs-backend-wasm (NHWC).
 *
 * Conv2DBackpropFilter is missing from the stock backend, so convolutional nets cannot train on it at
 * all; Conv2DBackpropInput exists but is a scalar loop (~25 ms for one 3×3×8→16 layer at B = 128).
 * Both become SIMD wasm (simd/kernels.c) around a matrix product:
 *   dW[K × Cout]  = colsᵀ[K × M] · dy[M × Cout]            (K = KH·KW·Cin, M = N·OH·OW)
 *   dx            = col2im(dy[M × Cout] · Wᵀ[Cout × K])
 * The products are our register-tiled kernel (gemm): XNNPACK would repack an activation-sized operand
 * on every call. For stride 1 the input gradient is also a plain convolution of dy with the flipped
 * filter, which our direct convolution (conv2d in kernels.c) does without materialising the columns.
 * The forward Conv2D and FusedConv2D (bias, linear or ReLU) are that direct convolution too: XNNPACK
 * builds a new operator and indirection buffer for every new filter — in training, every step — and
 * was 1.3–1.7× slower on the templates' layers at B = 128 (best of 100, both including bias and ReLU).
 * The batch is cut into chunks so the column buffers stay a few MB whatever the layer size.
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
  /** 'auto' = direct convolution when stride is 1 and the padding allows it, im2col + matmul otherwise. */
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

/** The geometry of a convolution of x [N, H, W, C] with a filter [KH, KW, C, CO]. */
export function convInfo(
  xShape: number[], filterShape: number[], strides: number | [number, number], dilations: number | [number, number],
  pad: Conv2DBackpropInputAttrs['pad'], dimRoundingMode?: 'floor' | 'round' | 'ceil',
): ConvInfo {
  return getTf().backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, pad, dimRoundingMode,
  );
}

/** The direct convolution (plus bias and activation: 0 linear, 1 relu) into a new [N, OH, OW, CO] buffer. */
export function convForward(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, info: ConvInfo, act: number): TensorInfo {
  const out = alloc(backend, [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  if (out.shape.some((d) => d === 0)) return out;
  simdKernels(backend).conv2d(
    ptr(backend, x), ptr(backend, filter), bias ? ptr(backend, bias) : 0, ptr(backend, out), info.batchSize, info.inHeight, info.inWidth,
    info.inChannels, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth, info.outChannels, act,
  );
  return out;
}

function conv2DBackpropFilter(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  requireNhwc(attrs.dataFormat, 'Conv2DBackpropFilter');
  return filterGradient(backend, x, dy, convInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode));
}

/** dW [KH, KW, C, CO] of a convolution, from its input x and its output gradient dy. */
export function filterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const K = info.filterHeight * info.filterWidth * C;
  const simd = simdKernels(backend);
  const dw = alloc(backend, [info.filterHeight, info.filterWidth, C, CO]);
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
  return inputGradient(backend, dy, filter, convInfo(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode));
}

/** dx [N, H, W, C] of a convolution, from its output gradient dy and its filter. */
export function inputGradient(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const pad = convOptions.inputGrad === 'gemm' ? null : fullPadding(info);
  if (pad) {
    const w = flippedFilter(backend, filter);
    try {
      const [KH, KW, C, CO] = filter.shape;
      const flipped = convInfo(dy.shape, [KH, KW, CO, C], 1, 1, pad);
      return convForward(backend, dy, w, null, flipped, 0);
    } finally {
      free(backend, w);
    }
  }
  if (convOptions.inputGrad === 'conv') throw new Error('Conv2DBackpropInput: the convolution path needs stride 1 and padding below the filter size');

  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: CO } = info;
  const K = info.filterHeight * info.filterWidth * C;
  const simd = simdKernels(backend);
  const wt = runStock('Transpose', backend, { x: view(filter, [K, CO]) }, { perm: [1, 0] });
  const dx = alloc(backend, [N, H, W, C]);
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
