/**
 * The one tfjs instance of the process. Kernels are registered per instance of @tensorflow/tfjs-core,
 * so everything — the engine, the wasm training kernels, a native backend that loads later — must go
 * through this import. Keep @tensorflow/* external when bundling: a bundled second copy would get a
 * registry of its own, without the wasm backend or our kernels.
 */
import * as tf from '@tensorflow/tfjs';

export type Tf = typeof tf;

export function getTf(): Tf {
  return tf;
}
