// Reference values from scipy.special (erfc, log_ndtr, ndtri) and scipy.stats.truncnorm.
import { describe, expect, it } from 'vitest';
import {
  erfc, logGaussMass, logNdtr, logNormalPdf, logSumExp, ndtri, sampleTruncatedNormal,
} from '../../../src-main/engine/search/normal';
import { createRng } from '../../../src-main/engine/random';

const close = (got: number, want: number, rel = 1e-12) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(want)));

describe('normal distribution helpers', () => {
  it('erfc matches scipy to double precision, deep into the tail', () => {
    const xs = [-3, -1, 0, 0.2, 0.5, 1, 2, 5, 10, 26];
    const want = [1.9999779095030015, 1.8427007929497148, 1.0, 0.7772974107895215, 0.4795001221869535, 0.15729920705028516, 0.004677734981047266, 1.5374597944280347e-12, 2.0884875837625446e-45, 5.663192408856145e-296];
    xs.forEach((x, i) => expect(Math.abs(erfc(x) - want[i]) / want[i]).toBeLessThan(1e-13));
  });

  it('log Φ never underflows', () => {
    const xs = [-40, -10, -5, -2, -0.5, 0, 0.3, 1, 3, 8];
    const want = [-804.6084420137539, -53.23128515051248, -15.064998393988727, -3.7831843336820317, -1.1759117615936188, -0.6931471805599453, -0.4814101615884813, -0.1727537790234499, -0.0013508099647481925, -6.220960574271742e-16];
    xs.forEach((x, i) => close(logNdtr(x), want[i], 1e-12));
    expect(Math.abs(logNdtr(40))).toBe(0);
  });

  it('Φ⁻¹ matches scipy.special.ndtri', () => {
    const ps = [1e-300, 1e-20, 1e-5, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-10];
    const want = [-37.0470962993612, -9.262340089798409, -4.264890793922825, -2.3263478740408408, -0.5244005127080409, 0, 0.5244005127080407, 2.3263478740408408, 6.361340889697422];
    ps.forEach((p, i) => close(ndtri(p), want[i], 1e-9));
    expect(ndtri(0)).toBe(-Infinity);
    expect(ndtri(1)).toBe(Infinity);
  });

  it('log gauss mass is stable in both tails and symmetric', () => {
    close(logGaussMass(-51, -50), -1254.8313611394199, 1e-10);
    close(logGaussMass(50, 51), -1254.8313611394199, 1e-10);
    close(logGaussMass(-1, 2), Math.log(0.8185946141203637), 1e-12);
    expect(logGaussMass(1, 1)).toBe(-Infinity);
  });

  it('a truncated normal log density built from them matches scipy.stats.truncnorm', () => {
    const logPdf = (x: number, mu: number, sigma: number, lo: number, hi: number) =>
      logNormalPdf((x - mu) / sigma) - Math.log(sigma) - logGaussMass((lo - mu) / sigma, (hi - mu) / sigma);
    close(logPdf(0.7, 0, 1, -1, 2), -0.9637722388802099, 1e-12);
    close(logPdf(0.95, 0.1, 0.02, 0, 1), -900.131915241125, 1e-10);
  });

  it('truncated normal samples stay in bounds and have the right mean', () => {
    const rng = createRng(3);
    let sum = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const x = sampleTruncatedNormal(0, 1, 0, Infinity, rng);
      expect(x).toBeGreaterThanOrEqual(0);
      sum += x;
    }
    // Half-normal mean √(2/π).
    expect(sum / n).toBeCloseTo(Math.sqrt(2 / Math.PI), 1);
    for (let i = 0; i < 1000; i++) {
      const x = sampleTruncatedNormal(0, 0.01, 0.5, 0.6, rng); // a window 50σ out: every draw still lands in it
      expect(x).toBeGreaterThanOrEqual(0.5);
      expect(x).toBeLessThanOrEqual(0.6);
    }
  });

  it('logSumExp handles −∞', () => {
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    close(logSumExp([Math.log(1), Math.log(3)]), Math.log(4));
  });
});
