// FusedAdam: the same updates as tf.train.adam — fused on wasm, op by op elsewhere — with a learning
// rate that can change between steps, state that saves and restores, and nothing left after dispose().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { FusedAdam } from '../../../src-main/engine/backends/select';
import { compare, printReport, setupBackends, tensor, tf } from './helpers';

beforeAll(setupBackends);
afterAll(() => printReport('FusedAdam'));

/** A two-layer net as raw variables (names unique per call), its loss, and fixed data. */
function problem() {
  // In tidy: tf.variable keeps its initial tensor alive otherwise.
  const [w1, b1, w2] = tf.tidy(() => [tf.variable(tensor([12, 16], 1)), tf.variable(tf.zeros([16])), tf.variable(tensor([16, 3], 2))]);
  const x = tensor([10, 12], 3);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0], 'int32'), 3));
  const loss = () => tf.losses.softmaxCrossEntropy(y, tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2)) as TF.Scalar;
  return { vars: [w1, b1, w2], loss, dispose: () => tf.dispose([w1, b1, w2, x, y]) };
}

async function trainOn(backend: 'cpu' | 'wasm', make: () => TF.Optimizer, steps: number, lr?: (s: number) => number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const p = problem();
  const opt = make();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    if (lr) (opt as unknown as { learningRate: number }).learningRate = lr(s);
    const l = opt.minimize(p.loss, true, p.vars);
    losses.push(l!.dataSync()[0]);
    l!.dispose();
  }
  const out = [Float32Array.from(losses), ...p.vars.map((v) => Float32Array.from(v.dataSync()))];
  opt.dispose();
  p.dispose();
  if (opt instanceof FusedAdam) expect(tf.memory().numTensors, 'tensors left by FusedAdam').toBe(before);
  return out;
}

describe('FusedAdam', () => {
  const adam = () => tf.train.adam(0.01, 0.9, 0.999, 1e-7);
  const fused = () => new FusedAdam(0.01, 0.9, 0.999, 1e-7);

  it('on wasm (fused kernel) follows tf.train.adam on cpu', async () => {
    const reference = await trainOn('cpu', adam, 25);
    const ours = await trainOn('wasm', fused, 25);
    const d = compare('FusedAdam wasm vs tf.train.adam cpu, 25 steps', ours, reference);
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
    expect(ours[0][24]).toBeLessThan(ours[0][0]);
  });

  it('on cpu (plain ops) follows tf.train.adam on cpu', async () => {
    const reference = await trainOn('cpu', adam, 25);
    const ours = await trainOn('cpu', fused, 25);
    // Same ops on the same backend, constants rounded the same way: identical.
    expect(compare('FusedAdam cpu vs tf.train.adam cpu, 25 steps', ours, reference).maxAbs).toBe(0);
  });

  it('reads learningRate at every step, as schedules need', async () => {
    const schedule = (s: number) => (s < 5 ? 0.02 : s < 10 ? 0.005 : 0);
    const reference = await trainOn('cpu', adam, 12, schedule);
    const ours = await trainOn('wasm', fused, 12, schedule);
    const d = compare('FusedAdam with a changing learning rate', ours, reference);
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
    expect(ours[0][11]).toBe(ours[0][10]); // learning rate 0: the weights stop moving
  });

  it('saves and restores its state: training goes on as if uninterrupted', async () => {
    await tf.setBackend('wasm');
    const p = problem();
    const a = fused();
    for (let s = 0; s < 5; s++) a.minimize(p.loss, false, p.vars);
    const saved = (await a.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    const weights = p.vars.map((v) => tf.clone(v));
    for (let s = 0; s < 5; s++) a.minimize(p.loss, false, p.vars);
    const straight = p.vars.map((v) => Float32Array.from(v.dataSync()));
    p.vars.forEach((v, i) => v.assign(weights[i]));
    const b = fused();
    await b.setWeights(saved);
    expect(b.iterations).toBe(5);
    for (let s = 0; s < 5; s++) b.minimize(p.loss, false, p.vars);
    const resumed = p.vars.map((v) => Float32Array.from(v.dataSync()));
    expect(compare('FusedAdam resumed from getWeights/setWeights', resumed, straight).maxAbs).toBe(0);
    a.dispose();
    b.dispose();
    tf.dispose([...weights, ...saved.map((w) => w.tensor)]);
    p.dispose();
  });
});
