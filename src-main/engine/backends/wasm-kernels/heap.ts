/**
 * Low-level access to tfjs-backend-wasm's heap: byte offsets of tensors, temporary buffers, and the
 * stock kernels we delegate to. Kept apart so that each kernel file reads as the algorithm only.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { DataType, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { getTf } from '../tf';
import { wasmApi, type WasmMemory } from './wasm-api';

/** The slice of the Emscripten module we rely on beyond tfjs' typings. */
interface EmscriptenHeap {
  asm?: { memory?: unknown };
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
}

export function heapOf(backend: BackendWasm): EmscriptenHeap {
  return backend.wasm as unknown as EmscriptenHeap;
}

/** The WebAssembly.Memory behind the backend, which our SIMD module imports. */
export function memoryOf(backend: BackendWasm): WasmMemory {
  const memory = heapOf(backend).asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) {
    throw new Error('tfjs-backend-wasm does not expose its WebAssembly.Memory (asm.memory); this tfjs version is not supported');
  }
  return memory;
}

/** Byte offset of a tensor's data in the heap. */
export function ptr(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** A float32 view of a tensor. Take it after the last allocation: growing the heap detaches old views. */
export function f32View(backend: BackendWasm, t: TensorInfo): Float32Array {
  const size = t.shape.reduce((a, b) => a * b, 1);
  return new Float32Array(heapOf(backend).HEAPF32.buffer, ptr(backend, t), size);
}

export function i32View(backend: BackendWasm, t: TensorInfo): Int32Array {
  const size = t.shape.reduce((a, b) => a * b, 1);
  return new Int32Array(heapOf(backend).HEAP32.buffer, ptr(backend, t), size);
}

export function alloc(backend: BackendWasm, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  return backend.makeOutput(shape, dtype);
}

export function free(backend: BackendWasm, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

/**
 * The same data seen with another shape, without a copy or a reference: valid only while the tensor it
 * came from lives, and only to be passed as an input.
 */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** Stock wasm kernels that ours delegate to, captured before any override replaced them. */
const stock = new Map<string, KernelConfig>();

/** Marks our kernel functions, so that registering twice (or from a second copy of this module) is a no-op. */
export const OURS: unique symbol = Symbol.for('epochlab.wasmTrainingKernel');
type Marked = KernelFunc & { [OURS]?: KernelConfig | null };

export function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as Marked)[OURS] !== undefined;
}

/** The stock kernel of that name, even after ours replaced it. */
export function stockKernel(name: string): KernelFunc {
  let config = stock.get(name);
  if (!config) {
    const current = getTf().getKernel(name, 'wasm') as KernelConfig | undefined;
    const original = current ? ((current.kernelFunc as Marked)[OURS] ?? (isOurs(current) ? undefined : current)) : undefined;
    if (!original) throw new Error(`the wasm backend has no stock ${name} kernel`);
    config = original;
    stock.set(name, config);
  }
  return config.kernelFunc;
}

export function runStock(name: string, backend: BackendWasm, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  const out = stockKernel(name)({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`stock ${name} returned several outputs`);
  return out;
}

/**
 * Registers `kernelFunc` for `name` on wasm. An existing stock kernel is kept (for delegation) and its
 * setupFunc carried over, since tfjs runs setup functions when the backend initializes and the stock
 * kernel needs its own.
 */
export function registerOurs(name: string, kernelFunc: KernelFunc): void {
  const tf = getTf();
  const current = tf.getKernel(name, 'wasm') as KernelConfig | undefined;
  if (isOurs(current)) return;
  if (current) {
    stock.set(name, current);
    tf.unregisterKernel(name, 'wasm');
  }
  // A fresh function per registration, so that it can carry its own mark.
  const fn: Marked = (params) => kernelFunc(params);
  fn[OURS] = current ?? null;
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn, setupFunc: current?.setupFunc, disposeFunc: current?.disposeFunc });
}

/** Puts the stock kernel back (or removes ours where wasm had none). For benchmarks and tests. */
export function restoreStock(name: string): void {
  const tf = getTf();
  const current = tf.getKernel(name, 'wasm') as KernelConfig | undefined;
  if (!isOurs(current)) return;
  const original = (current?.kernelFunc as Marked)[OURS];
  tf.unregisterKernel(name, 'wasm');
  if (original) tf.registerKernel(original);
}
