/**
 * A dense layer as one kernel each way: EpochlabDense is act(x·W + b) in one call (gemm + bias_act), and
 * its gradient is one kernel per input, each applying the activation's derivative itself. Under a
 * gradient tape tfjs splits a dense layer with ReLU into MatMul, Add and Relu forward and Step, Multiply,
 * Sum and two transposed MatMuls backward, plus the reshapes and clones around them; each of those
 * launches costs more JavaScript than the arithmetic of a small layer. Used by ../fused-ops.ts.
 * x is [M, K], W [K, N], b [N] or absent; activation 'linear' or 'relu'.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, free, ptr, runStock } from './heap';
import { simdKernels } from './simd';

export const DENSE = 'EpochlabDense';
export const DENSE_GRAD_INPUT = 'EpochlabDenseGradInput';
export const DENSE_GRAD_FILTER = 'EpochlabDenseGradFilter';
export const DENSE_GRAD_BIAS = 'EpochlabDenseGradBias';

/** The activations a dense or convolution kernel applies itself (their derivative is read from the output). */
export type FusedActivation = 'linear' | 'relu';
export interface FusedActivationAttrs {
  activation: FusedActivation;
}

const ACT_CODE: Record<FusedActivation, number> = { linear: 0, relu: 1 };

function checkActivation(attrs: FusedActivationAttrs): FusedActivation {
  if (!(attrs.activation in ACT_CODE)) throw new Error(`fused activation must be linear or relu (got ${String(attrs.activation)})`);
  return attrs.activation;
}

function dims2(t: TensorInfo, what: string): [number, number] {
  if (t.shape.length !== 2 || t.dtype !== 'float32') throw new Error(`${what} must be a float32 matrix (got ${t.dtype} [${t.shape}])`);
  return [t.shape[0], t.shape[1]];
}

/**
 * dy ∘ act'(y) as a new buffer, or dy itself for a linear layer (then nothing to free). Callers free the
 * result when it is not dy.
 */
export function maskedGradient(backend: BackendWasm, dy: TensorInfo, y: TensorInfo, activation: FusedActivation): TensorInfo {
  if (activation === 'linear') return dy;
  const out = alloc(backend, dy.shape);
  const n = dy.shape.reduce((a, b) => a * b, 1);
  simdKernels(backend).relu_grad(ptr(backend, dy), ptr(backend, y), ptr(backend, out), n);
  return out;
}

function dense(args: { inputs: { x: TensorInfo; W: TensorInfo; b?: TensorInfo }; backend: BackendWasm; attrs: FusedActivationAttrs }): TensorInfo {
  const { inputs: { x, W, b }, backend, attrs } = args;
  const act = checkActivation(attrs);
  const [M, K] = dims2(x, 'dense input');
  const [K2, N] = dims2(W, 'dense kernel');
  if (K !== K2) throw new Error(`dense: input has ${K} features, kernel expects ${K2}`);
  if (b && (b.dtype !== 'float32' || b.shape.reduce((p, q) => p * q, 1) !== N)) throw new Error(`dense: bias must be float32 of ${N} values`);
  const out = alloc(backend, [M, N]);
  if (M * N === 0) return out;
  const simd = simdKernels(backend);
  const pc = ptr(backend, out);
  simd.gemm(ptr(backend, x), ptr(backend, W), pc, M, K, N, K, 1, 0);
  if (b || act !== 'linear') simd.bias_act(pc, b ? ptr(backend, b) : 0, M, N, ACT_CODE[act]);
  return out;
}

/** dx[M, K] = (dy ∘ act'(y)) · Wᵀ. */
function denseGradInput(args: { inputs: { dy: TensorInfo; y: TensorInfo; W: TensorInfo }; backend: BackendWasm; attrs: FusedActivationAttrs }): TensorInfo {
  const { inputs: { dy, y, W }, backend, attrs } = args;
  const [M, N] = dims2(dy, 'dense output gradient');
  const [K] = dims2(W, 'dense kernel');
  const g = maskedGradient(backend, dy, y, checkActivation(attrs));
  const wt = runStock('Transpose', backend, { x: W }, { perm: [1, 0] });
  const dx = alloc(backend, [M, K]);
  try {
    if (M * K > 0) simdKernels(backend).gemm(ptr(backend, g), ptr(backend, wt), ptr(backend, dx), M, N, K, N, 1, 0);
  } finally {
    free(backend, wt);
    if (g !== dy) free(backend, g);
  }
  return dx;
}

/** dW[K, N] = xᵀ · (dy ∘ act'(y)), reading x transposed in place. */
function denseGradFilter(args: { inputs: { dy: TensorInfo; y: TensorInfo; x: TensorInfo }; backend: BackendWasm; attrs: FusedActivationAttrs }): TensorInfo {
  const { inputs: { dy, y, x }, backend, attrs } = args;
  const [M, N] = dims2(dy, 'dense output gradient');
  const [, K] = dims2(x, 'dense input');
  const g = maskedGradient(backend, dy, y, checkActivation(attrs));
  const dw = alloc(backend, [K, N]);
  try {
    if (K * N > 0) simdKernels(backend).gemm(ptr(backend, x), ptr(backend, g), ptr(backend, dw), K, M, N, 1, K, 0);
  } finally {
    if (g !== dy) free(backend, g);
  }
  return dw;
}

/** db[N] = column sums of dy ∘ act'(y). Also the bias gradient of a convolution (rows = N·H·W). */
export function biasGradient(backend: BackendWasm, dy: TensorInfo, y: TensorInfo, activation: FusedActivation, biasShape: number[]): TensorInfo {
  const N = biasShape.reduce((a, b) => a * b, 1);
  const rows = N === 0 ? 0 : dy.shape.reduce((a, b) => a * b, 1) / N;
  const db = alloc(backend, biasShape);
  const simd = simdKernels(backend);
  if (activation === 'relu') simd.sum_rows_relu(ptr(backend, dy), ptr(backend, y), ptr(backend, db), rows, N);
  else simd.sum_rows(ptr(backend, dy), ptr(backend, db), rows, N, 1);
  return db;
}

function denseGradBias(args: { inputs: { dy: TensorInfo; y: TensorInfo }; backend: BackendWasm; attrs: FusedActivationAttrs }): TensorInfo {
  const { inputs: { dy, y }, backend, attrs } = args;
  const [, N] = dims2(dy, 'dense output gradient');
  return biasGradient(backend, dy, y, checkActivation(attrs), [N]);
}

export const denseKernel = dense as unknown as KernelFunc;
export const denseGradInputKernel = denseGradInput as unknown as KernelFunc;
export const denseGradFilterKernel = denseGradFilter as unknown as KernelFunc;
export const denseGradBiasKernel = denseGradBias as unknown as KernelFunc;
