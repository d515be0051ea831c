/**
 * EpochlabAdam: one fused Adam update of a weight (see adam_step in simd/kernels.c), used by
 * FusedAdam (../optimizers.ts) when the backend is wasm. Outputs [w', m', v'] as new buffers.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, ptr } from './heap';
import { simdKernels } from './simd';

export const ADAM_KERNEL = 'EpochlabAdam';

export interface AdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1 and 1 − β2, rounded from float64 as tfjs does. */
  a1: number;
  a2: number;
  /** 1 − β1^t and 1 − β2^t: the bias corrections of step t. */
  c1: number;
  c2: number;
}

function adam(args: { inputs: { w: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo }; backend: BackendWasm; attrs: AdamAttrs }): TensorInfo[] {
  const { inputs: { w, g, m, v }, backend, attrs: a } = args;
  for (const t of [g, m, v]) {
    if (t.dtype !== 'float32' || t.shape.reduce((x, y) => x * y, 1) !== w.shape.reduce((x, y) => x * y, 1)) {
      throw new Error(`${ADAM_KERNEL}: weight, gradient and moments must be float32 of one size`);
    }
  }
  const outs = [alloc(backend, w.shape), alloc(backend, w.shape), alloc(backend, w.shape)];
  const n = w.shape.reduce((x, y) => x * y, 1);
  simdKernels(backend).adam_step(
    ptr(backend, w), ptr(backend, g), ptr(backend, m), ptr(backend, v), ptr(backend, outs[0]), ptr(backend, outs[1]), ptr(backend, outs[2]),
    n, a.learningRate, a.beta1, a.beta2, a.a1, a.a2, a.epsilon, a.c1, a.c2,
  );
  return outs;
}

export const adamKernel = adam as unknown as KernelFunc;
