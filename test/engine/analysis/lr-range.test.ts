import { describe, expect, it } from 'vitest';
import { lrRangeSchema, type LrRangePoint } from '../../../src-main/contract';
import { LossSmoother, LrRangeRecorder, lrRangeEpochs, lrSuggestions, rampLearningRate } from '../../../src-main/engine/analysis/lr-range';

describe('LR range test', () => {
  it('ramps exponentially from `from` to `to` over the iterations', () => {
    expect(rampLearningRate(0, 100, 1e-7, 10)).toBeCloseTo(1e-7, 20);
    expect(rampLearningRate(99, 100, 1e-7, 10)).toBeCloseTo(10, 10);
    // Halfway in log space: 10^((−7 + 1) / 2).
    expect(rampLearningRate(50, 101, 1e-7, 10)).toBeCloseTo(1e-3, 12);
    const ratios = [1, 2, 3].map((i) => rampLearningRate(i, 100, 1e-7, 10) / rampLearningRate(i - 1, 100, 1e-7, 10));
    expect(ratios[0]).toBeCloseTo(ratios[2], 12);
  });

  it('spans whole epochs, the last one partial', () => {
    expect(lrRangeEpochs(100, 125)).toBe(1);
    expect(lrRangeEpochs(100, 8)).toBe(13);
  });

  it('smooths like fastai: bias-corrected EMA (the first value is itself)', () => {
    const s = new LossSmoother(0.98);
    expect(s.push(2)).toBeCloseTo(2, 12);
    expect(s.push(1)).toBeCloseTo((0.98 * 0.02 * 2 + 0.02 * 1) / (1 - 0.98 ** 2), 12);
  });

  it('stops when the smoothed loss exceeds 4× its minimum, and says so', () => {
    const r = new LrRangeRecorder(lrRangeSchema.parse({ iterations: 1000, smoothing: 0 }));
    const losses = [2, 1.5, 1, 0.5, 0.6, 1.5, 2.1];
    let stop: string | null = null;
    let i = 0;
    for (; i < losses.length && stop === null; i++) stop = r.record(i + 1, r.learningRateAt(i), losses[i]);
    expect(i).toBe(7); // 2.1 > 4 × 0.5
    expect(stop).toMatch(/exceeded 4× its minimum/);
    expect(r.result('x').points).toHaveLength(7);
  });

  it('stops at a non-finite loss and at the end of the ramp', () => {
    const r = new LrRangeRecorder(lrRangeSchema.parse({ iterations: 50 }));
    expect(r.record(1, 1e-7, 2)).toBeNull();
    expect(r.record(2, 1e-6, Number.NaN)).toMatch(/NaN/);
    const full = new LrRangeRecorder(lrRangeSchema.parse({ iterations: 10 }));
    let stop: string | null = null;
    for (let i = 0; i < 10; i++) stop = full.record(i + 1, full.learningRateAt(i), 1);
    expect(stop).toMatch(/reached 10 after 10 iterations/);
  });

  it('suggests the steepest descent and the minimum / 10 on the smoothed curve', () => {
    // Loss against log10(lr): flat, a steep fall centred at 1e-3, a minimum at 1e-1, then a rise.
    const points: LrRangePoint[] = [];
    for (let i = 0; i < 100; i++) {
      const lr = rampLearningRate(i, 100, 1e-6, 10);
      const x = Math.log10(lr);
      const loss = 2.3 - 1.5 / (1 + Math.exp(-(x + 3) * 4)) + (x > -1 ? 3 * (x + 1) ** 2 : 0);
      points.push({ step: i + 1, learningRate: lr, loss, smoothed: loss });
    }
    const s = lrSuggestions(points);
    expect(Math.log10(s.steepest!)).toBeCloseTo(-3, 0);
    expect(Math.log10(s.minimum!)).toBeCloseTo(-1, 0);
    expect(s.minimumOver10).toBeCloseTo(s.minimum! / 10, 15);
  });

  it('makes no suggestion from too few points, or on a curve that never falls', () => {
    expect(lrSuggestions([{ step: 1, learningRate: 1, loss: 1, smoothed: 1 }])).toEqual({ steepest: null, minimum: null, minimumOver10: null });
    const rising = Array.from({ length: 30 }, (_, i) => ({ step: i + 1, learningRate: 10 ** (i / 10 - 5), loss: i, smoothed: i }));
    expect(lrSuggestions(rising).steepest).toBeNull();
  });

  /*
   * Known answer: gradient descent on f(w) = ½ Σ λᵢ wᵢ² multiplies each wᵢ by (1 − η λᵢ) per step, so it is
   * stable exactly while η < 2/λ_max. With the default ramp (1e-7 → 10 over 100 steps, smoothing 0.98, stop at
   * 4× the minimum), the test must not stop before the ramp passes 2/λ_max, must stop within a decade after it
   * (the smoothed loss lags and the unstable direction starts from a residue), and both suggestions must be
   * stable learning rates. The curvatures span two decades, as a real network's top Hessian spectrum does.
   */
  it('on a quadratic, stops after the stability limit 2/λ_max and suggests learning rates below it', () => {
    for (const lambdas of [[1, 3, 10, 30, 100], [0.5, 2, 8], [40, 400, 4000]]) {
      const limit = 2 / Math.max(...lambdas);
      const r = new LrRangeRecorder(lrRangeSchema.parse({}));
      const w = lambdas.map(() => 1);
      let stopAt = Number.NaN;
      for (let i = 0; ; i++) {
        const lr = r.learningRateAt(i);
        const loss = lambdas.reduce((s, l, j) => s + 0.5 * l * w[j] * w[j], 0);
        if (r.record(i + 1, lr, loss) !== null) {
          stopAt = lr;
          break;
        }
        lambdas.forEach((l, j) => (w[j] -= lr * l * w[j]));
      }
      const result = r.result('x');
      const label = `λ = ${lambdas.join(', ')}: stop ${stopAt}, steepest ${result.steepest}, min/10 ${result.minimumOver10}, 2/λ_max ${limit}`;
      expect(stopAt, label).toBeGreaterThan(limit);
      expect(stopAt, label).toBeLessThan(10 * limit);
      expect(result.stopReason, label).toMatch(/exceeded 4× its minimum/);
      expect(result.steepest!, label).toBeLessThan(limit);
      expect(result.minimumOver10!, label).toBeLessThan(limit);
      // Not uselessly small either: within two decades of the limit.
      expect(result.steepest!, label).toBeGreaterThan(limit / 100);
      expect(result.minimumOver10!, label).toBeGreaterThan(limit / 100);
    }
  });
});
