/**
 * BatchMatMul and _FusedMatMul on our SIMD product (simd/kernels.c, gemm).
 *
 * The stock kernel hands XNNPACK only untransposed, unbatched products and falls back to a scalar loop
 * for everything else (0.7–2.7 GFLOP/s) — yet every dense layer's backward pass is transposed
 * (dA = dY·Bᵀ, dB = Aᵀ·dY). And XNNPACK repacks B on each call with a B it has not seen, which in
 * training is every call. Our kernel reads a transposed A in place through strides, so only a
 * transposed B (a weight matrix, small) is transposed first; batches loop over the same kernel.
 * The one case left to XNNPACK: a plain product whose B it has already packed (a frozen weight matrix
 * used again, as in a validation pass), where its cached operator is the faster one.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { BatchMatMulAttrs, KernelFunc, NamedTensorInfoMap, TensorInfo, _FusedMatMulAttrs } from '@tensorflow/tfjs-core';
import { alloc, free, ptr, runStock, stockKernel } from './heap';
import { simdKernels } from './simd';

/**
 * The [K, N] shape each B buffer was first multiplied with. On its second use XNNPACK takes over and
 * caches a packed copy keyed by the buffer alone — not its shape — so only products of that same shape
 * may go to XNNPACK afterwards (a reshaped view of the buffer would hit the stale operator).
 */
const firstShapeAsB = new WeakMap<object, string>();

/** Fused activations our epilogue applies; others go to the stock kernel. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

const sizeOf = (shape: number[]): number => shape.reduce((x, y) => x * y, 1);

/** Swaps the last two axes, as a new buffer. */
function transposeLast2(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const perm = t.shape.map((_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return runStock('Transpose', backend, { x: t }, { perm });
}

type Args = { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: BatchMatMulAttrs | _FusedMatMulAttrs };

function delegate(name: 'BatchMatMul' | '_FusedMatMul', args: Args): TensorInfo {
  return stockKernel(name)(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
}

/** The stock kernel, but with operands transposed beforehand so that it takes XNNPACK's path. */
function stockUntransposed(name: 'BatchMatMul' | '_FusedMatMul', args: Args): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const temps: TensorInfo[] = [];
  const aa = attrs.transposeA ? transposeLast2(backend, a) : a;
  const bb = attrs.transposeB ? transposeLast2(backend, b) : b;
  // XNNPACK may cache an operator for b now: claim b's shape for it (see firstShapeAsB).
  if (bb === b && !firstShapeAsB.has(b.dataId)) firstShapeAsB.set(b.dataId, b.shape.slice(-2).join('x'));
  if (aa !== a) temps.push(aa);
  if (bb !== b) temps.push(bb);
  try {
    return delegate(name, { inputs: { ...inputs, a: aa, b: bb }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  } finally {
    free(backend, ...temps);
  }
}

function matmul(name: 'BatchMatMul' | '_FusedMatMul', args: Args): TensorInfo {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const bias = inputs.bias as TensorInfo | undefined;
  const { transposeA, transposeB } = attrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return delegate(name, args);

  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const act = name === '_FusedMatMul' ? ACTIVATIONS[(attrs as _FusedMatMulAttrs).activation ?? 'linear'] : 0;
  const simpleBias = bias == null || (bias.dtype === 'float32' && sizeOf(bias.shape) === N && bias.shape[bias.shape.length - 1] === N);
  // Batch broadcasting beyond "same batch or one side unbatched", activations other than
  // linear/relu/relu6 and full-shape biases stay with the stock kernel (shape checks included).
  const ours = (batchA === batchB || batchA === 1 || batchB === 1) && act !== undefined && simpleBias && inputs.preluActivationWeights == null;
  if (!ours) return stockUntransposed(name, args);

  const plain = !transposeA && !transposeB && batchA === 1 && batchB === 1;
  if (plain) {
    const shape = `${K}x${N}`;
    const first = firstShapeAsB.get(b.dataId);
    if (first === shape) return delegate(name, args);
    if (first === undefined) firstShapeAsB.set(b.dataId, shape);
  }

  const batch = Math.max(batchA, batchB);
  const outer = (batchA >= batchB ? a : b).shape.slice(0, -2);
  const out = alloc(backend, [...outer, M, N]);
  if (batch * M * N === 0) return out;
  const bb = transposeB ? transposeLast2(backend, b) : b;
  try {
    const simd = simdKernels(backend);
    // A(r, k): row-major [M×K] (ars = K, aks = 1), or stored transposed [K×M] (ars = 1, aks = M).
    const [ars, aks] = transposeA ? [1, M] : [K, 1];
    const pa = ptr(backend, a);
    const pb = ptr(backend, bb);
    const pc = ptr(backend, out);
    for (let i = 0; i < batch; i++) {
      const ia = batchA === 1 ? 0 : i;
      const ib = batchB === 1 ? 0 : i;
      simd.gemm(pa + ia * M * K * 4, pb + ib * K * N * 4, pc + i * M * N * 4, M, K, N, ars, aks, 0);
    }
    if (bias != null || act !== 0) simd.bias_act(pc, bias != null ? ptr(backend, bias) : 0, batch * M, N, act);
  } finally {
    if (bb !== b) free(backend, bb);
  }
  return out;
}

export const batchMatMul = ((args: Args) => matmul('BatchMatMul', args)) as unknown as KernelFunc;
export const fusedMatMul = ((args: Args) => matmul('_FusedMatMul', args)) as unknown as KernelFunc;
