/**
 * Setting up tfjs-backend-wasm under Node: point it at its .wasm binaries in node_modules (resolved at
 * run time, so it also works when the engine is bundled into out/), register the training kernels, and
 * describe the device honestly. tfjs turns wasm multithreading off under Node, so a trial gets one core;
 * parallelism comes from the worker pool.
 */
import { dirname, join, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { getThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { cpuModel } from './native';
import { getTf } from './tf';
import { nodeRequire } from './node-require';
import { registerWasmTrainingKernels } from './wasm-kernels/register';
import { simdSupported } from './wasm-kernels/simd';

export const WASM_VERSION: string = version_wasm;

/** The dist/ folder of the installed @tensorflow/tfjs-backend-wasm, with a trailing separator. */
export function wasmDistDir(): string {
  return join(dirname(nodeRequire().resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep;
}

/** Throws with the reason when the wasm backend cannot run here. */
export function checkWasm(): void {
  const dir = wasmDistDir();
  const simd = join(dir, 'tfjs-backend-wasm-simd.wasm');
  if (!existsSync(simd)) throw new Error(`tfjs-backend-wasm binary not found at ${simd}`);
  if (!simdSupported()) throw new Error('this runtime lacks WebAssembly SIMD, which the training kernels need');
}

let pathsSet = false;
export function prepareWasm(): void {
  checkWasm();
  if (!pathsSet) {
    setWasmPaths(wasmDistDir());
    pathsSet = true;
  }
  registerWasmTrainingKernels();
}

export function wasmDevice(): string {
  const simd = getTf().env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  const threads = getThreadsCount();
  return `CPU (wasm ${simd}, ${threads} thread${threads === 1 ? '' : 's'}): ${cpuModel()}`;
}
