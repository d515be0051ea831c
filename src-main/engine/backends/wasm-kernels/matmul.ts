/**
 * BatchMatMul and _FusedMatMul with transposed operands. The stock kernel sends XNNPACK only
 * untransposed, unbatched products and falls back to a scalar loop otherwise (0.7–2.7 GFLOP/s against
 * ~29). Every dense layer's backward pass asks for transposes (dA = dY·Bᵀ, dB = Aᵀ·dY), so we transpose
 * the operand first — one pass over memory — and hand XNNPACK the plain product.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { BatchMatMulAttrs, KernelFunc, NamedTensorInfoMap, TensorInfo, _FusedMatMulAttrs } from '@tensorflow/tfjs-core';
import { free, runStock, stockKernel } from './heap';

/** Swaps the last two axes, as a new buffer. */
function transposeLast2(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const perm = t.shape.map((_, i) => i);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return runStock('Transpose', backend, { x: t }, { perm });
}

function untransposed(
  name: 'BatchMatMul' | '_FusedMatMul',
  args: { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: BatchMatMulAttrs | _FusedMatMulAttrs },
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { transposeA, transposeB } = attrs;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return stockKernel(name)({ inputs, backend, attrs: attrs as unknown as Record<string, never> }) as TensorInfo;
  }
  const temps: TensorInfo[] = [];
  const aa = transposeA ? transposeLast2(backend, a) : a;
  if (transposeA) temps.push(aa);
  const bb = transposeB ? transposeLast2(backend, b) : b;
  if (transposeB) temps.push(bb);
  try {
    return stockKernel(name)({
      inputs: { ...inputs, a: aa, b: bb },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as Record<string, never>,
    }) as TensorInfo;
  } finally {
    free(backend, ...temps);
  }
}

export const batchMatMul = ((args: { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: BatchMatMulAttrs }) =>
  untransposed('BatchMatMul', args)) as unknown as KernelFunc;

export const fusedMatMul = ((args: { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: _FusedMatMulAttrs }) =>
  untransposed('_FusedMatMul', args)) as unknown as KernelFunc;
