import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ema, NoiseScaleTracker, estimateFromSplit, measurementInterval, varianceFactor, wholeBatchSq } from '../../../src-main/engine/analysis/noise-scale';
import { createRng, permutation, randomNormal } from '../../../src-main/engine/random';
import { splitGradients } from '../../../src-main/engine/training/split-step';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Exact |G|² and tr(Σ) (population covariance, 1/N) of a set of per-sample gradients. */
function exactNoise(perSample: Float64Array[]): { gradSq: number; trace: number } {
  const n = perSample.length;
  const dim = perSample[0].length;
  const mean = new Float64Array(dim);
  for (const g of perSample) for (let j = 0; j < dim; j++) mean[j] += g[j] / n;
  let trace = 0;
  for (const g of perSample) for (let j = 0; j < dim; j++) trace += (g[j] - mean[j]) ** 2 / n;
  return { gradSq: mean.reduce((s, x) => s + x * x, 0), trace };
}

function meanOf(perSample: Float64Array[], rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(perSample[0].length);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < out.length; j++) out[j] += perSample[rows[i]][j] / rows.length;
  return out;
}
const sq = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x * x, 0);

describe('the noise-scale estimators', () => {
  it('the variance factor is 1/B without a population, and 0 for the full batch with one', () => {
    expect(varianceFactor(32)).toBe(1 / 32);
    expect(varianceFactor(100, 100)).toBe(0);
    expect(varianceFactor(10, 1000)).toBeCloseTo((990 / 999) / 10, 15);
  });

  it('solves the two equations exactly when the norms are their expectations', () => {
    const gradSq = 2.5;
    const trace = 400;
    const n = 5000;
    const e = (b: number) => gradSq + varianceFactor(b, n) * trace;
    const got = estimateFromSplit({ sizes: [32, 32], halfSq: [e(32), e(32)], fullSq: e(64) }, n)!;
    expect(got.gradSq).toBeCloseTo(gradSq, 10);
    expect(got.trace).toBeCloseTo(trace, 8);
    // Unequal halves (an odd batch) too.
    const odd = estimateFromSplit({ sizes: [16, 17], halfSq: [e(16), e(17)], fullSq: e(33) }, n)!;
    expect(odd.trace).toBeCloseTo(trace, 8);
    // The paper's N → ∞ form.
    const inf = (b: number) => gradSq + trace / b;
    expect(estimateFromSplit({ sizes: [8, 8], halfSq: [inf(8), inf(8)], fullSq: inf(16) })!.trace).toBeCloseTo(trace, 8);
  });

  it('averages |G|² and tr(Σ) separately (not the ratio), bias-corrected from the first value', () => {
    const ema = new Ema(0.9);
    expect(ema.current).toBeNull();
    ema.add(4);
    expect(ema.current).toBe(4);
    ema.add(2);
    expect(ema.current).toBeCloseTo((0.9 * 0.1 * 4 + 0.1 * 2) / (0.1 + 0.09), 12);
    const t = new NoiseScaleTracker(0.5);
    t.add({ sizes: [1, 1], halfSq: [3, 3], fullSq: 2 }); // trace 2, |G|² 1
    t.add({ sizes: [1, 1], halfSq: [5, 5], fullSq: 3 }); // trace 4, |G|² 1
    // Ratio of averages: 3.33 / 1; the average of the ratios would be 3.
    expect(t.bSimple).toBeCloseTo(((0.5 * 2 + 4) / 1.5) / 1, 10);
    expect(t.count).toBe(2);
  });

  it('gives null B_simple while |G|² or tr(Σ) is not estimated positive', () => {
    const t = new NoiseScaleTracker(0.9);
    t.add({ sizes: [4, 4], halfSq: [5, 5], fullSq: 1 }); // tr(Σ) = 32, |G|² = 1 − 32/8 < 0
    expect(t.gradSq).toBeLessThan(0);
    expect(t.bSimple).toBeNull();
    const u = new NoiseScaleTracker(0.9);
    u.add({ sizes: [4, 4], halfSq: [1, 1], fullSq: 1.2 }); // the halves less noisy than the whole: tr(Σ) < 0
    expect(u.trace).toBeLessThan(0);
    expect(u.bSimple).toBeNull();
  });

  it('|g|² of the whole batch from its halves', () => {
    const g1 = [1, 2, -1];
    const g2 = [0.5, -1, 3];
    const g = g1.map((x, i) => (3 * x + 4 * g2[i]) / 7);
    const cross = g1.reduce((s, x, i) => s + x * g2[i], 0);
    expect(wholeBatchSq([3, 4], [sq(g1), sq(g2)], cross)).toBeCloseTo(sq(g), 12);
  });

  it('measures at least four times an epoch when epochs are short', () => {
    expect(measurementInterval(10, 500)).toBe(10);
    expect(measurementInterval(10, 16)).toBe(4);
    expect(measurementInterval(10, 3)).toBe(1);
  });

  it('recovers tr(Σ)/|G|² of synthetic per-sample gradients from shuffled batches without replacement', () => {
    const rng = createRng(11);
    const n = 400;
    const perSample = Array.from({ length: n }, () => Float64Array.from({ length: 6 }, (_, j) => 0.3 * (j + 1) + randomNormal(rng)));
    const exact = exactNoise(perSample);
    const tracker = new NoiseScaleTracker(0.999, n);
    const batch = 100; // a quarter of N: the finite-population factor matters here
    for (let epoch = 0; epoch < 300; epoch++) {
      const order = permutation(n, rng);
      for (let start = 0; start + batch <= n; start += batch) {
        const rows = order.subarray(start, start + batch);
        tracker.add({
          sizes: [50, 50],
          halfSq: [sq(meanOf(perSample, rows.subarray(0, 50))), sq(meanOf(perSample, rows.subarray(50)))],
          fullSq: sq(meanOf(perSample, rows)),
        });
      }
    }
    expect(Math.abs(tracker.bSimple! / (exact.trace / exact.gradSq) - 1)).toBeLessThan(0.05);
  });
});

describe('validation: linear regression with exact per-sample gradients (issue 9, ±10 %)', () => {
  it('the split step of the training loop estimates tr(Σ)/|G|² at fixed weights within 10 %', () => {
    const rng = createRng(5);
    const n = 512;
    const d = 5;
    const trueW = [0.8, -1.2, 0.5, 2.0, -0.3];
    const x = new Float32Array(n * d);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0.4;
      for (let j = 0; j < d; j++) {
        x[i * d + j] = randomNormal(rng);
        t += trueW[j] * x[i * d + j];
      }
      y[i] = t + 0.5 * randomNormal(rng);
    }
    // Weights away from the optimum, so the true gradient is not zero.
    const w0 = [0.5, -0.8, 0.9, 1.5, 0.1];
    const b0 = 0;
    // Exact per-sample gradients of ½(w·x + b − y)²: r·[x, 1].
    const perSample = Array.from({ length: n }, (_, i) => {
      let r = b0 - y[i];
      for (let j = 0; j < d; j++) r += w0[j] * x[i * d + j];
      return Float64Array.from([...Array.from({ length: d }, (_, j) => r * x[i * d + j]), r]);
    });
    const exact = exactNoise(perSample);
    const exactRatio = exact.trace / exact.gradSq;

    const w = tf.variable(tf.tensor2d(w0, [d, 1]), true, 'lin_w');
    const b = tf.variable(tf.scalar(b0), true, 'lin_b');
    const tracker = new NoiseScaleTracker(0.999, n);
    const batch = 32;
    const xEpoch = new Float32Array(n * d);
    const yEpoch = new Float32Array(n);
    for (let epoch = 0; epoch < 40; epoch++) {
      const order = permutation(n, rng);
      for (let i = 0; i < n; i++) {
        xEpoch.set(x.subarray(order[i] * d, order[i] * d + d), i * d);
        yEpoch[i] = y[order[i]];
      }
      for (let start = 0; start + batch <= n; start += batch) {
        const norms = tf.tidy(() => {
          const objectiveOf = (from: number, size: number) => {
            const xb = tf.tensor2d(xEpoch.subarray((start + from) * d, (start + from + size) * d), [size, d]);
            const yb = tf.tensor2d(yEpoch.subarray(start + from, start + from + size), [size, 1]);
            const loss = tf.mul(0.5, tf.mean(tf.square(tf.sub(tf.add(tf.matMul(xb, w), b), yb)))) as tf.Scalar;
            return { objective: loss, dataLoss: loss, correct: tf.scalar(0) };
          };
          return splitGradients(objectiveOf, batch, [w, b]).stats.dataSync().slice(2);
        });
        tracker.add({ sizes: [16, 16], halfSq: [norms[0], norms[1]], fullSq: wholeBatchSq([16, 16], [norms[0], norms[1]], norms[2]) });
      }
    }
    w.dispose();
    b.dispose();
    const relative = tracker.bSimple! / exactRatio - 1;
    expect(Math.abs(relative)).toBeLessThan(0.1);
  });
});
