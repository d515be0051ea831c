import { describe, expect, it } from 'vitest';
import { epsilonSharpness } from '../../../src-main/engine/analysis/eps-sharpness';
import { dominantEigenvalue, largestEigenvalue, norm, randomUnitVector } from '../../../src-main/engine/analysis/power-iteration';

/** A symmetric matrix with the given eigenvalues, rotated by a fixed orthogonal basis (Householder). */
function symmetricWith(eigenvalues: number[]): (v: Float64Array) => Float64Array {
  const n = eigenvalues.length;
  const u = randomUnitVector(n, 99);
  // Q = I − 2uuᵀ; A = Q diag(λ) Q.
  const reflect = (v: Float64Array) => {
    let d = 0;
    for (let i = 0; i < n; i++) d += u[i] * v[i];
    return v.map((x, i) => x - 2 * d * u[i]);
  };
  return (v) => reflect(reflect(v).map((x, i) => x * eigenvalues[i]));
}

describe('power iteration', () => {
  it('finds the dominant eigenvalue of a known symmetric matrix', async () => {
    const product = symmetricWith([5, -1, 2.5, 0.3, 4.2, 1, -2]);
    const r = await dominantEigenvalue(product, 7, { iterations: 500, tolerance: 1e-10, seed: 1 });
    expect(r.converged).toBe(true);
    expect(r.eigenvalue).toBeCloseTo(5, 6);
  });

  it('finds a negative dominant eigenvalue with its sign', async () => {
    const r = await dominantEigenvalue(symmetricWith([1, -6, 2]), 3, { iterations: 500, tolerance: 1e-10, seed: 2 });
    expect(r.eigenvalue).toBeCloseTo(-6, 6);
  });

  it('the largest eigenvalue: the dominant one when positive, else found on the shifted operator', async () => {
    const positive = await largestEigenvalue(symmetricWith([5, -1, 2]), 3, { iterations: 500, tolerance: 1e-10, seed: 1 });
    expect(positive).toMatchObject({ shifted: false });
    expect(positive.eigenvalue).toBeCloseTo(5, 6);
    const negative = await largestEigenvalue(symmetricWith([1, -6, 2, 0.5, -3]), 5, { iterations: 2000, tolerance: 1e-12, seed: 2 });
    expect(negative.shifted).toBe(true);
    expect(negative.converged).toBe(true);
    expect(negative.eigenvalue).toBeCloseTo(2, 5);
  });

  it('reports non-convergence when the budget is too small for the eigengap', async () => {
    const r = await dominantEigenvalue(symmetricWith([1, 0.999, 0.5]), 3, { iterations: 3, tolerance: 1e-12, seed: 3 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
  });

  it('stops when cancelled', async () => {
    let calls = 0;
    const r = await dominantEigenvalue((v) => {
      calls++;
      return v;
    }, 4, { iterations: 100, tolerance: 0, seed: 1, isCancelled: () => calls >= 2 });
    expect(calls).toBe(2);
    expect(r.converged).toBe(false);
  });

  it('a unit start vector', () => {
    expect(norm(randomUnitVector(50, 4))).toBeCloseTo(1, 12);
  });
});

describe('ε-sharpness (Keskar et al. 2017)', () => {
  // f(w) = ½ Σ aᵢ wᵢ²: at w = 0 the box maximum is at a corner, f = ½ Σ aᵢ ε².
  const a = [4, 1, 0.25, 9];
  const quad = async (w: Float32Array) => ({
    loss: 0.5 * a.reduce((s, ai, i) => s + ai * w[i] * w[i], 0),
    grad: Float32Array.from(a.map((ai, i) => ai * w[i])),
  });

  it('reaches the corner of the box on a convex quadratic (from a slightly offset minimum)', async () => {
    const eps = 1e-2;
    const w = Float32Array.from([1e-9, -1e-9, 1e-9, 1e-9]);
    const r = await epsilonSharpness(quad, w, { epsilon: eps, steps: 10 });
    const max = 0.5 * a.reduce((s, ai) => s + ai * eps * eps, 0);
    expect(r.maxLoss).toBeCloseTo(max, 8);
    expect(r.sharpness).toBeCloseTo((100 * max) / (1 + 0), 6);
  });

  it('scales the box by |w| + 1 per coordinate', async () => {
    const w = Float32Array.from([2, 0, 0, 0]);
    const r = await epsilonSharpness(async (p) => ({ loss: p[0], grad: Float32Array.from([1, 0, 0, 0]) }), w, { epsilon: 0.01, steps: 5 });
    // The first coordinate may rise by 0.01 · (2 + 1).
    expect(r.maxLoss - r.baseLoss).toBeCloseTo(0.03, 6);
    expect(r.sharpness).toBeCloseTo((100 * 0.03) / 3, 4);
  });

  it('is larger where the loss curves more (sharp vs flat minimum)', async () => {
    const sharp = await epsilonSharpness(async (w) => ({ loss: 50 * w[0] * w[0], grad: Float32Array.from([100 * w[0]]) }), Float32Array.from([1e-6]), { epsilon: 0.05, steps: 10 });
    const flat = await epsilonSharpness(async (w) => ({ loss: 0.5 * w[0] * w[0], grad: Float32Array.from([w[0]]) }), Float32Array.from([1e-6]), { epsilon: 0.05, steps: 10 });
    expect(sharp.sharpness).toBeGreaterThan(50 * flat.sharpness);
  });
});
