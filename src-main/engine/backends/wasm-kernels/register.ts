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
import { conv2DBackpropFilterKernel, conv2DBackpropInputKernel, depthwiseFilterGradKernel, depthwiseInputGradKernel } from './conv';
import { registerOurs, restoreStock } from './heap';
import { batchMatMul, fusedMatMul } from './matmul';
import { avgPoolGradKernel, maxPoolGradKernel } from './pool';
import { meanKernel, sumKernel } from './reduce';
import { unsortedSegmentSumKernel } from './segment';

/** Kernel name → implementation. `added` ones did not exist on wasm; `replaced` ones wrap a stock kernel. */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, { fn: KernelFunc; kind: 'added' | 'replaced' }>> = {
  Conv2DBackpropFilter: { fn: conv2DBackpropFilterKernel, kind: 'added' },
  DepthwiseConv2dNativeBackpropFilter: { fn: depthwiseFilterGradKernel, kind: 'added' },
  DepthwiseConv2dNativeBackpropInput: { fn: depthwiseInputGradKernel, kind: 'added' },
  UnsortedSegmentSum: { fn: unsortedSegmentSumKernel, kind: 'added' },
  [ADAM_KERNEL]: { fn: adamKernel, kind: 'added' }, // for FusedAdam (../optimizers.ts)
  BatchMatMul: { fn: batchMatMul, kind: 'replaced' },
  _FusedMatMul: { fn: fusedMatMul, kind: 'replaced' },
  Conv2DBackpropInput: { fn: conv2DBackpropInputKernel, kind: 'replaced' },
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
