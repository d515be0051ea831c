/**
 * Sharpness of the training loss at a set of weights, on a fixed subset of the training set, in evaluation
 * mode (dropout off, batch norm on its moving statistics) and without the weight-decay term:
 *   - the top Hessian eigenvalue by power iteration (shifted when the dominant one is negative), each Hessian-vector product by central
 *     differences of gradients, Hv ≈ (∇L(w + hv) − ∇L(w − hv)) / 2h — two gradient passes, and no need for
 *     second derivatives of every kernel (tfjs has none for several of them);
 *   - Keskar et al.'s ε-sharpness by projected gradient ascent (engine/analysis/eps-sharpness.ts).
 * The weights are restored afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import type { SharpnessSpec } from '../../contract';
import { epsilonSharpness } from '../analysis/eps-sharpness';
import { largestEigenvalue } from '../analysis/power-iteration';
import { createRng, permutation } from '../random';
import type { ArraySet } from './train';

const CHUNK = 1024;
/** Step of the central difference along a unit direction. */
export const HVP_STEP = 1e-3;
/** Relative change of the eigenvalue estimate at which power iteration stops. */
export const POWER_TOLERANCE = 1e-3;

export interface LossSubset {
  x: Float32Array;
  y: Int32Array;
  inputShape: number[];
  numClasses: number;
}

/** Seed of the subset's draw: a constant, so every trial of an experiment measures on the same rows. */
export const SUBSET_SEED = 6151;

/**
 * `rows` rows drawn at random without replacement from a set (in their order in the set), from a fixed seed:
 * the same rows for every trial of an experiment, and a fair sample of the set. Not its first rows: a set
 * stored in order (the synthetic ones run along their curves) would give an unrepresentative subset — the
 * first 200 rows of two moons had a loss of 1.0 where the whole set's was 0.41.
 */
export function sampleRows(set: ArraySet, rows: number, inputShape: number[], numClasses: number): LossSubset {
  const n = set.y.length;
  const featureSize = inputShape.reduce((a, b) => a * b, 1);
  if (rows >= n) return { x: set.x, y: set.y, inputShape, numClasses };
  const chosen = permutation(n, createRng(SUBSET_SEED)).subarray(0, rows).sort();
  const x = new Float32Array(rows * featureSize);
  const y = new Int32Array(rows);
  chosen.forEach((row, i) => {
    x.set(set.x.subarray(row * featureSize, (row + 1) * featureSize), i * featureSize);
    y[i] = set.y[row];
  });
  return { x, y, inputShape, numClasses };
}

/** The model's trainable weights as one flat vector, and back. */
export class FlatWeights {
  readonly variables: tf.Variable[];
  readonly size: number;
  constructor(model: tf.LayersModel) {
    this.variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.size = this.variables.reduce((n, v) => n + v.size, 0);
  }
  read(): Float32Array {
    const out = new Float32Array(this.size);
    let offset = 0;
    for (const v of this.variables) {
      out.set(v.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return out;
  }
  write(flat: Float32Array): void {
    let offset = 0;
    for (const v of this.variables) {
      const part = flat.subarray(offset, offset + v.size);
      tf.tidy(() => v.assign(tf.tensor(part, v.shape, 'float32')));
      offset += v.size;
    }
  }
}

/** Mean data loss on the subset and its gradient with respect to the flat weights, at the given weights. */
export function lossAndGradient(model: tf.LayersModel, flat: FlatWeights, subset: LossSubset) {
  const n = subset.y.length;
  const featureSize = subset.inputShape.reduce((a, b) => a * b, 1);
  return async (w: Float32Array): Promise<{ loss: number; grad: Float32Array }> => {
    flat.write(w);
    let loss = 0;
    const grad = new Float32Array(flat.size);
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const { value, grads } = tf.tidy(() => {
        const xb = tf.tensor(subset.x.subarray(start * featureSize, (start + size) * featureSize), [size, ...subset.inputShape]);
        const yb = tf.tensor1d(subset.y.subarray(start, start + size), 'int32');
        const { value: v, grads: g } = tf.variableGrads(() => {
          const logits = model.apply(xb, { training: false }) as tf.Tensor2D;
          // Summed here and divided by n once: chunks add up to the mean over the whole subset.
          return tf.div(tf.losses.softmaxCrossEntropy(tf.oneHot(yb, subset.numClasses), logits, undefined, undefined, tf.Reduction.SUM), n) as tf.Scalar;
        }, flat.variables);
        return { value: v, grads: flat.variables.map((variable) => g[variable.name] ?? tf.zerosLike(variable)) };
      });
      loss += (await value.data())[0];
      let offset = 0;
      for (const g of grads) {
        const part = (await g.data()) as Float32Array;
        for (let i = 0; i < part.length; i++) grad[offset + i] += part[i];
        offset += part.length;
      }
      tf.dispose([value, ...grads]);
    }
    return { loss, grad };
  };
}

export interface SharpnessMeasure {
  loss: number;
  topEigenvalue: number;
  converged: boolean;
  epsSharpness: number;
  seconds: number;
}

/** Measures both sharpness numbers at the model's current weights, then puts those weights back. */
export async function measureSharpness(
  model: tf.LayersModel, subset: LossSubset, spec: SharpnessSpec, options: { seed: number; isCancelled?: () => boolean },
): Promise<SharpnessMeasure> {
  const started = performance.now();
  const flat = new FlatWeights(model);
  const w0 = flat.read();
  const f = lossAndGradient(model, flat, subset);
  try {
    const base = await f(w0);
    const plus = new Float32Array(w0.length);
    const minus = new Float32Array(w0.length);
    const hvp = async (v: Float64Array): Promise<Float64Array> => {
      for (let i = 0; i < w0.length; i++) {
        plus[i] = w0[i] + HVP_STEP * v[i];
        minus[i] = w0[i] - HVP_STEP * v[i];
      }
      const gp = (await f(plus)).grad;
      const gm = (await f(minus)).grad;
      const out = new Float64Array(w0.length);
      for (let i = 0; i < w0.length; i++) out[i] = (gp[i] - gm[i]) / (2 * HVP_STEP);
      return out;
    };
    const power = await largestEigenvalue(hvp, w0.length, {
      iterations: spec.iterations, tolerance: POWER_TOLERANCE, seed: options.seed, isCancelled: options.isCancelled,
    });
    const eps = await epsilonSharpness(f, w0, { epsilon: spec.epsilon, steps: spec.ascentSteps, isCancelled: options.isCancelled });
    return {
      loss: base.loss, topEigenvalue: power.eigenvalue, converged: power.converged, epsSharpness: eps.sharpness,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    flat.write(w0);
  }
}
