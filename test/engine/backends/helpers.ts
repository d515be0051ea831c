// Shared by the backend tests: seeded data, running the same computation on cpu and on wasm, and
// recording the largest differences so that each test can both bound and report them.
import type * as TF from '@tensorflow/tfjs';
import { getTf, initBackend } from '../../../src-main/engine/backends/select';

export const tf = getTf();

let ready: Promise<void> | null = null;
/** Initialises wasm once per test file (with the training kernels) and keeps cpu ready to compare. */
export function setupBackends(): Promise<void> {
  ready ??= (async () => {
    await initBackend('cpu');
    await initBackend('wasm');
    await tf.setBackend('wasm');
  })();
  return ready;
}

/** Deterministic values in [-1, 1) (an LCG: the same on every backend and every run). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `f` on a backend and returns its outputs as plain arrays, leaving no tensor behind. */
export async function runOn(backend: 'cpu' | 'wasm', f: () => TF.Tensor | TF.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => {
    const r = f();
    return Array.isArray(r) ? r : [r];
  });
  const arrays = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  if (tf.memory().numTensors !== before) throw new Error(`${backend}: ${tf.memory().numTensors - before} tensors leaked`);
  return arrays;
}

export interface Diff {
  name: string;
  maxAbs: number;
  /** max |a − b| / max(1, max |b|): the figure that the bounds apply to. */
  rel: number;
}
export const report: Diff[] = [];

/** Largest differences between the wasm and cpu results, recorded under `name`. */
export function compare(name: string, wasm: Float32Array[], cpu: Float32Array[]): Diff {
  if (wasm.length !== cpu.length) throw new Error(`${name}: ${wasm.length} outputs on wasm, ${cpu.length} on cpu`);
  let maxAbs = 0;
  let scale = 1;
  for (let k = 0; k < cpu.length; k++) {
    if (wasm[k].length !== cpu[k].length) throw new Error(`${name}: output ${k} has ${wasm[k].length} values on wasm, ${cpu[k].length} on cpu`);
    for (let i = 0; i < cpu[k].length; i++) {
      const d = Math.abs(wasm[k][i] - cpu[k][i]);
      maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
      scale = Math.max(scale, Math.abs(cpu[k][i]));
    }
  }
  const diff = { name, maxAbs, rel: maxAbs / scale };
  report.push(diff);
  return diff;
}

/** Same computation on both backends; returns the recorded difference. */
export async function both(name: string, f: () => TF.Tensor | TF.Tensor[]): Promise<Diff> {
  const cpu = await runOn('cpu', f);
  const wasm = await runOn('wasm', f);
  return compare(name, wasm, cpu);
}

/** Prints the differences of a file, largest first: the "reported" half of "reported and bounded". */
export function printReport(title: string): void {
  if (report.length === 0) return;
  const rows = [...report].sort((a, b) => b.rel - a.rel);
  const lines = rows.map((d) => `  ${d.rel.toExponential(2).padStart(9)}  ${d.maxAbs.toExponential(2).padStart(9)}  ${d.name}`);
  console.info(`${title}: wasm vs cpu, ${rows.length} cases (relative, absolute max diff)\n${lines.join('\n')}`);
}

export function tensor(shape: number[], seed: number): TF.Tensor {
  return tf.tensor(values(sizeOf(shape), seed), shape);
}
