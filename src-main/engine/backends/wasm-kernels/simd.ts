/**
 * Our SIMD kernels (simd/kernels.c), instantiated once per wasm backend on that backend's own memory,
 * so they work on tensors in place. The binary is embedded as base64: no file to locate at run time,
 * bundled or not.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KERNELS_WASM_BASE64 } from '../simd/kernels-wasm';
import { memoryOf } from './heap';
import { wasmApi, type WasmModule } from './wasm-api';

type Fn<N extends number, A extends number[] = []> = A['length'] extends N ? (...args: A) => void : Fn<N, [...A, number]>;

/** Pointers are byte offsets in the tfjs heap; see kernels.c for the argument order. */
export interface SimdKernels {
  im2col_t: Fn<16>;
  col2im: Fn<16>;
  max_pool_grad: Fn<18>;
  avg_pool_grad: Fn<17>;
  sum_rows: Fn<5>;
  relu_grad: Fn<4>;
  sum_rows_relu: Fn<5>;
  depthwise_filter_grad: Fn<18>;
  depthwise_input_grad: Fn<18>;
  gemm: Fn<9>;
  conv2d: Fn<20>;
  bias_act: Fn<5>;
  binary_rows: Fn<7>;
  adam_step: Fn<16>;
}
const NAMES: ReadonlyArray<keyof SimdKernels> = [
  'im2col_t', 'col2im', 'max_pool_grad', 'avg_pool_grad', 'sum_rows', 'relu_grad', 'sum_rows_relu', 'depthwise_filter_grad', 'depthwise_input_grad',
  'gemm', 'conv2d', 'bias_act', 'binary_rows', 'adam_step',
];

let compiled: WasmModule | null = null;
const instances = new WeakMap<BackendWasm, SimdKernels>();

function compile(): WasmModule {
  // Synchronous compile is fine here: the module is ~16 kB and we run in Node or a worker, not a page.
  if (compiled === null) compiled = new wasmApi.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
  return compiled;
}

export function simdKernels(backend: BackendWasm): SimdKernels {
  let kernels = instances.get(backend);
  if (!kernels) {
    const instance = new wasmApi.Instance(compile(), { env: { memory: memoryOf(backend) } });
    const exports = instance.exports;
    for (const name of NAMES) {
      if (typeof exports[name] !== 'function') throw new Error(`kernels.wasm lacks ${name}; rebuild it with simd/build.mjs`);
    }
    kernels = exports as unknown as SimdKernels;
    instances.set(backend, kernels);
  }
  return kernels;
}

/** Whether this runtime can run the kernels (WebAssembly SIMD). */
export function simdSupported(): boolean {
  try {
    compile();
    return true;
  } catch {
    return false;
  }
}
