/**
 * Add, Sub, Multiply and RealDiv when one operand is broadcast along the rows of the other (a bias
 * [C] against [N, H, W, C], batch norm's per-channel scale and shift). In training, tfjs does not fuse
 * the bias into the convolution or matmul (fused ops fall back to separate ones under a gradient tape),
 * so every layer pays this op; the stock kernel walks it in C-element pieces (1.6 ms for
 * 128×26×26×8 + [8], against 0.1 ms for one pass). Every other shape goes to the stock kernel.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, ptr, stockKernel } from './heap';
import { simdKernels } from './simd';

const OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;
type BinaryName = keyof typeof OPS;

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Whether `small` (leading 1s ignored) equals the trailing axes of `big`, so it repeats along big's rows. */
function repeatsAlongRows(small: number[], big: number[]): boolean {
  if (small.length > big.length) return false;
  let i = 0;
  while (i < small.length && small[i] === 1) i++;
  const tail = small.slice(i);
  if (tail.length === 0) return false;
  const offset = big.length - tail.length;
  return tail.every((d, j) => d === big[offset + j]);
}

function makeBinary(name: BinaryName): KernelFunc {
  const op = OPS[name];
  return ((args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: BackendWasm }) => {
    const { inputs: { a, b }, backend } = args;
    if (a.dtype === 'float32' && b.dtype === 'float32') {
      const sa = sizeOf(a.shape);
      const sb = sizeOf(b.shape);
      // Scalars stay with the stock kernel: XNNPACK handles a scalar operand in one pass already.
      const bRows = sb > 1 && sa > sb && repeatsAlongRows(b.shape, a.shape);
      const aRows = !bRows && sa > 1 && sb > sa && repeatsAlongRows(a.shape, b.shape);
      if (bRows || aRows) {
        const [big, small] = bRows ? [a, b] : [b, a];
        const cols = bRows ? sb : sa;
        const out = alloc(backend, big.shape);
        simdKernels(backend).binary_rows(ptr(backend, big), ptr(backend, small), ptr(backend, out), sizeOf(big.shape) / cols, cols, op, aRows ? 1 : 0);
        return out;
      }
    }
    return stockKernel(name)(args as unknown as Parameters<KernelFunc>[0]);
  }) as unknown as KernelFunc;
}

export const addKernel = makeBinary('Add');
export const subKernel = makeBinary('Sub');
export const multiplyKernel = makeBinary('Multiply');
export const realDivKernel = makeBinary('RealDiv');
