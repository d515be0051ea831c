/** The tensor side of the `non-finite-weights` divergence rule (./divergence.ts): one reduction per weight. */
import * as tf from '@tensorflow/tfjs';

/** The name of the first weight holding NaN or ±Infinity, or null when every weight is finite. */
export async function firstNonFiniteWeight(model: tf.LayersModel): Promise<string | null> {
  const weights = model.weights;
  if (!weights.length) return null;
  // x·0 is 0 for every finite x and NaN for NaN and ±Infinity: one number per weight tells which.
  const probe = tf.tidy(() => tf.stack(weights.map((w) => tf.sum(tf.mul(w.read(), 0)))));
  const values = await probe.data();
  probe.dispose();
  const index = values.findIndex((v) => !Number.isFinite(v));
  return index < 0 ? null : weights[index].name;
}
