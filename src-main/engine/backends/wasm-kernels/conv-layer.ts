/**
 * The forward convolution on our direct kernel (Conv2D, and FusedConv2D with a per-channel bias and a
 * linear or ReLU activation), and a convolution layer as one kernel each way for ../fused-ops.ts:
 * EpochlabConv2D is act(conv(x, W) + b) in one pass, and each of its gradients applies the activation's
 * derivative itself. Under a gradient tape tfjs splits a conv layer with ReLU into Conv2D, Add and Relu
 * forward and Step, Multiply, Sum and the two convolution gradients backward: three extra passes over
 * the layer's largest tensor each way. Everything else (NCHW, prelu, other activations, full-shape
 * biases, non-float32) stays with the stock kernels.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2DAttrs, FusedConv2DAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { convForward, convInfo, filterGradient, inputGradient } from './conv';
import { biasGradient, maskedGradient, type FusedActivation } from './dense';
import { free, stockKernel } from './heap';

export const CONV2D_LAYER = 'EpochlabConv2D';
export const CONV2D_LAYER_GRAD_INPUT = 'EpochlabConv2DGradInput';
export const CONV2D_LAYER_GRAD_FILTER = 'EpochlabConv2DGradFilter';
export const CONV2D_LAYER_GRAD_BIAS = 'EpochlabConv2DGradBias';

/** Conv2D's attributes (NHWC) plus the fused activation; the input gradient also needs the input's shape. */
export interface ConvLayerAttrs {
  strides: [number, number] | number;
  pad: Conv2DAttrs['pad'];
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation: FusedActivation;
  inputShape?: number[];
}

const ACT: Record<string, number> = { linear: 0, relu: 1 };

const nhwc = (format: string | undefined) => format === undefined || format === 'NHWC' || format === 'channelsLast';
const isFloat4D = (t: TensorInfo) => t.dtype === 'float32' && t.shape.length === 4;

/** A bias ours can add: float32 with one value per output channel. */
function channelBias(bias: TensorInfo | undefined, channels: number): boolean {
  return bias === undefined || (bias.dtype === 'float32' && bias.shape.reduce((a, b) => a * b, 1) === channels && bias.shape[bias.shape.length - 1] === channels);
}

function checkLayer(x: TensorInfo, W: TensorInfo, b: TensorInfo | undefined, attrs: ConvLayerAttrs): void {
  if (!isFloat4D(x) || !isFloat4D(W)) throw new Error(`${CONV2D_LAYER}: x and W must be float32 4-D (NHWC, [KH, KW, C, CO])`);
  if (x.shape[3] !== W.shape[2]) throw new Error(`${CONV2D_LAYER}: input has ${x.shape[3]} channels, filter expects ${W.shape[2]}`);
  if (!channelBias(b, W.shape[3])) throw new Error(`${CONV2D_LAYER}: bias must be float32 of ${W.shape[3]} values`);
  if (!(attrs.activation in ACT)) throw new Error(`${CONV2D_LAYER}: activation must be linear or relu (got ${String(attrs.activation)})`);
}

function layerInfo(xShape: number[], W: TensorInfo, attrs: ConvLayerAttrs) {
  return convInfo(xShape, W.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode);
}

function conv2D(args: { inputs: { x: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DAttrs }): TensorInfo {
  const { inputs: { x, filter }, backend, attrs } = args;
  if (!nhwc(attrs.dataFormat) || !isFloat4D(x) || !isFloat4D(filter) || x.shape[3] !== filter.shape[2]) {
    return stockKernel('Conv2D')(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  return convForward(backend, x, filter, null, convInfo(x.shape, filter.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode), 0);
}

function fusedConv2D(args: { inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }; backend: BackendWasm; attrs: FusedConv2DAttrs }): TensorInfo {
  const { inputs: { x, filter, bias, preluActivationWeights }, backend, attrs } = args;
  const act = ACT[attrs.activation ?? 'linear'];
  if (act === undefined || preluActivationWeights || !nhwc(attrs.dataFormat) || !isFloat4D(x) || !isFloat4D(filter) || x.shape[3] !== filter.shape[2] || !channelBias(bias, filter.shape[3])) {
    return stockKernel('FusedConv2D')(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
  return convForward(backend, x, filter, bias ?? null, convInfo(x.shape, filter.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode), act);
}

function convLayer(args: { inputs: { x: TensorInfo; W: TensorInfo; b?: TensorInfo }; backend: BackendWasm; attrs: ConvLayerAttrs }): TensorInfo {
  const { inputs: { x, W, b }, backend, attrs } = args;
  checkLayer(x, W, b, attrs);
  return convForward(backend, x, W, b ?? null, layerInfo(x.shape, W, attrs), ACT[attrs.activation]);
}

function convLayerGradInput(args: { inputs: { dy: TensorInfo; y: TensorInfo; W: TensorInfo }; backend: BackendWasm; attrs: ConvLayerAttrs }): TensorInfo {
  const { inputs: { dy, y, W }, backend, attrs } = args;
  if (!attrs.inputShape) throw new Error(`${CONV2D_LAYER_GRAD_INPUT}: inputShape is required`);
  const g = maskedGradient(backend, dy, y, attrs.activation);
  try {
    return inputGradient(backend, g, W, layerInfo(attrs.inputShape, W, attrs));
  } finally {
    if (g !== dy) free(backend, g);
  }
}

function convLayerGradFilter(args: { inputs: { dy: TensorInfo; y: TensorInfo; x: TensorInfo; W: TensorInfo }; backend: BackendWasm; attrs: ConvLayerAttrs }): TensorInfo {
  const { inputs: { dy, y, x, W }, backend, attrs } = args;
  const g = maskedGradient(backend, dy, y, attrs.activation);
  try {
    return filterGradient(backend, x, g, layerInfo(x.shape, W, attrs));
  } finally {
    if (g !== dy) free(backend, g);
  }
}

/** The bias gradient, for a bias of one value per output channel ([CO], as conv layers have). */
function convLayerGradBias(args: { inputs: { dy: TensorInfo; y: TensorInfo }; backend: BackendWasm; attrs: ConvLayerAttrs }): TensorInfo {
  const { inputs: { dy, y }, backend, attrs } = args;
  return biasGradient(backend, dy, y, attrs.activation, [dy.shape[3]]);
}

export const conv2DKernel = conv2D as unknown as KernelFunc;
export const fusedConv2DKernel = fusedConv2D as unknown as KernelFunc;
export const convLayerKernel = convLayer as unknown as KernelFunc;
export const convLayerGradInputKernel = convLayerGradInput as unknown as KernelFunc;
export const convLayerGradFilterKernel = convLayerGradFilter as unknown as KernelFunc;
export const convLayerGradBiasKernel = convLayerGradBias as unknown as KernelFunc;
