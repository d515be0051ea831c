/**
 * Our SIMD kernels (simd/kernels.c), instantiated once per wasm backend on that backend's own memory,
 * so they work on tensors in place. The binaries are embedded as base64: no file to locate at run time,
 * bundled or not.
 *
 * Two builds of the same source: 'simd' (WebAssembly SIMD, every runtime we support) and 'relaxed'
 * (relaxed SIMD: the products' multiply-adds fused where the CPU has FMA). The relaxed build is used
 * where the runtime validates it — Electron's V8 does; Node 20 only behind --experimental-wasm-relaxed-simd,
 * which enableRelaxedSimd() sets for the process where that flag exists. EPOCHLAB_KERNEL_BUILD=simd or
 * relaxed forces one (tests run the kernels against cpu under both).
 */
import { setFlagsFromString } from 'node:v8';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from '../simd/kernels-wasm';
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

export type KernelBuild = 'simd' | 'relaxed';

const BINARIES: Record<KernelBuild, string> = { simd: KERNELS_WASM_BASE64, relaxed: KERNELS_RELAXED_WASM_BASE64 };
const compiled = new Map<KernelBuild, WasmModule>();
const instances = new WeakMap<BackendWasm, Map<KernelBuild, SimdKernels>>();

function compile(build: KernelBuild): WasmModule {
  // Synchronous compile is fine here: the module is ~30 kB and we run in Node or a worker, not a page.
  let mod = compiled.get(build);
  if (!mod) {
    mod = new wasmApi.Module(Buffer.from(BINARIES[build], 'base64'));
    compiled.set(build, mod);
  }
  return mod;
}

/**
 * Turns on WebAssembly relaxed SIMD for this process where the runtime has it behind a flag (V8 11, as
 * in Node 20). Where it is shipped (Electron, Node ≥ 22) or absent, this does nothing.
 */
export function enableRelaxedSimd(): void {
  if (relaxedSimdSupported()) return;
  const v8Major = Number(process.versions.v8?.split('.')[0]);
  if (v8Major === 11) setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Whether this runtime runs the relaxed-SIMD build. */
export function relaxedSimdSupported(): boolean {
  return wasmApi.validate(Buffer.from(KERNELS_RELAXED_WASM_BASE64, 'base64'));
}

function forcedBuild(): KernelBuild | null {
  const v = process.env.EPOCHLAB_KERNEL_BUILD;
  if (v === undefined || v === '' || v === 'auto') return null;
  if (v !== 'simd' && v !== 'relaxed') throw new Error(`EPOCHLAB_KERNEL_BUILD must be simd, relaxed or auto (got ${v})`);
  if (v === 'relaxed') useKernelBuild('relaxed');
  return v;
}

let chosen: KernelBuild | null = null;

/** The build the kernels run: forced by EPOCHLAB_KERNEL_BUILD or useKernelBuild, else relaxed where supported. */
export function kernelBuild(): KernelBuild {
  chosen ??= forcedBuild() ?? (relaxedSimdSupported() ? 'relaxed' : 'simd');
  return chosen;
}

/**
 * Switches the build for the kernels that run from now on (the bench and the tests compare them);
 * asking for relaxed turns the runtime's flag on where it has one.
 */
export function useKernelBuild(build: KernelBuild): void {
  if (build === 'relaxed') enableRelaxedSimd();
  if (build === 'relaxed' && !relaxedSimdSupported()) throw new Error('this runtime has no WebAssembly relaxed SIMD');
  chosen = build;
}

export function simdKernels(backend: BackendWasm): SimdKernels {
  const build = kernelBuild();
  let perBuild = instances.get(backend);
  if (!perBuild) {
    perBuild = new Map();
    instances.set(backend, perBuild);
  }
  let kernels = perBuild.get(build);
  if (!kernels) {
    const instance = new wasmApi.Instance(compile(build), { env: { memory: memoryOf(backend) } });
    const exports = instance.exports;
    for (const name of NAMES) {
      if (typeof exports[name] !== 'function') throw new Error(`the ${build} kernels lack ${name}; rebuild them with simd/build.mjs`);
    }
    kernels = exports as unknown as SimdKernels;
    perBuild.set(build, kernels);
  }
  return kernels;
}

/** Whether this runtime can run the kernels (WebAssembly SIMD). */
export function simdSupported(): boolean {
  try {
    compile('simd');
    return true;
  } catch {
    return false;
  }
}
