/**
 * The kernels that make tfjs-backend-wasm a training backend: the four it lacks (conv filter gradient,
 * depthwise gradients, UnsortedSegmentSum) and faster versions of the stock ones that dominate a
 * training step (transposed matmuls, conv input gradient, pooling gradients, leading-axis sums, batch
 * slicing, bias broadcasts).
 */
import '@tensorflow/tfjs-backend-wasm'; // registers the stock wasm kernels we wrap
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, adamKernel } from './adam';
import { addKernel, multiplyKernel, realDivKernel, subKernel } from './binary';
import { castKernel, identityKernel, sliceKernel } from './copy';
import { DENSE, DENSE_GRAD_BIAS, DENSE_GRAD_FILTER, DENSE_GRAD_INPUT, denseGradBiasKernel, denseGradFilterKernel, denseGradInputKernel, denseKernel } from './dense';
import {
  CONV2D_LAYER, CONV2D_LAYER_GRAD_BIAS, CONV2D_LAYER_GRAD_FILTER, CONV2D_LAYER_GRAD_INPUT, conv2DKernel, convLayerGradBiasKernel,
  convLayerGradFilterKernel, convLayerGradInputKernel, convLayerKernel, fusedConv2DKernel,
} from './conv-layer';
import { conv2DBackpropFilterKernel, conv2DBackpropInputKernel, depthwiseFilterGradKernel, depthwiseInputGradKernel } from './conv';
import { registerOurs, restoreStock } from './heap';
import { batchMatMul, fusedMatMul } from './matmul';
import { avgPoolGradKernel, maxPoolGradKernel } from './pool';
import { meanKernel, sumKernel } from './reduce';
import { ROWS, rowsKernel } from './rows';
import { unsortedSegmentSumKernel } from './segment';
import { SOFTMAX_XENT, SOFTMAX_XENT_GRAD, softmaxXentGradKernel, softmaxXentKernel } from './xent';

/** Kernel name → implementation. `added` ones did not exist on wasm; `replaced` ones wrap a stock kernel. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, { fn: KernelFunc; kind: 'added' | 'replaced' }>> = {
  Conv2DBackpropFilter: { fn: conv2DBackpropFilterKernel, kind: 'added' },
  DepthwiseConv2dNativeBackpropFilter: { fn: depthwiseFilterGradKernel, kind: 'added' },
  DepthwiseConv2dNativeBackpropInput: { fn: depthwiseInputGradKernel, kind: 'added' },
  UnsortedSegmentSum: { fn: unsortedSegmentSumKernel, kind: 'added' },
  [ADAM_KERNEL]: { fn: adamKernel, kind: 'added' }, // for FusedAdam (../fused-adam.ts)
  // One kernel per layer pass and per loss, for ../fused-ops.ts:
  [DENSE]: { fn: denseKernel, kind: 'added' },
  [DENSE_GRAD_INPUT]: { fn: denseGradInputKernel, kind: 'added' },
  [DENSE_GRAD_FILTER]: { fn: denseGradFilterKernel, kind: 'added' },
  [DENSE_GRAD_BIAS]: { fn: denseGradBiasKernel, kind: 'added' },
  [SOFTMAX_XENT]: { fn: softmaxXentKernel, kind: 'added' },
  [SOFTMAX_XENT_GRAD]: { fn: softmaxXentGradKernel, kind: 'added' },
  [ROWS]: { fn: rowsKernel, kind: 'added' },
  [CONV2D_LAYER]: { fn: convLayerKernel, kind: 'added' },
  [CONV2D_LAYER_GRAD_INPUT]: { fn: convLayerGradInputKernel, kind: 'added' },
  [CONV2D_LAYER_GRAD_FILTER]: { fn: convLayerGradFilterKernel, kind: 'added' },
  [CONV2D_LAYER_GRAD_BIAS]: { fn: convLayerGradBiasKernel, kind: 'added' },
  BatchMatMul: { fn: batchMatMul, kind: 'replaced' },
  _FusedMatMul: { fn: fusedMatMul, kind: 'replaced' },
  Conv2DBackpropInput: { fn: conv2DBackpropInputKernel, kind: 'replaced' },
  Conv2D: { fn: conv2DKernel, kind: 'replaced' },
  FusedConv2D: { fn: fusedConv2DKernel, kind: 'replaced' },
  MaxPoolGrad: { fn: maxPoolGradKernel, kind: 'replaced' },
  AvgPoolGrad: { fn: avgPoolGradKernel, kind: 'replaced' },
  Sum: { fn: sumKernel, kind: 'replaced' },
  Mean: { fn: meanKernel, kind: 'replaced' },
  Slice: { fn: sliceKernel, kind: 'replaced' },
  Identity: { fn: identityKernel, kind: 'replaced' },
  Cast: { fn: castKernel, kind: 'replaced' },
  Add: { fn: addKernel, kind: 'replaced' },
  Sub: { fn: subKernel, kind: 'replaced' },
  Multiply: { fn: multiplyKernel, kind: 'replaced' },
  RealDiv: { fn: realDivKernel, kind: 'replaced' },
};

/** Registers every kernel above for 'wasm'. Idempotent; safe before or after the backend is initialised. */
export function registerWasmTrainingKernels(): void {
  for (const [name, { fn }] of Object.entries(WASM_TRAINING_KERNELS)) registerOurs(name, fn);
}

/** Back to the stock wasm kernels (the 'added' ones disappear): to measure what ours change. */
export function unregisterWasmTrainingKernels(): void {
  for (const name of Object.keys(WASM_TRAINING_KERNELS)) restoreStock(name);
}

export { convOptions } from './conv';
