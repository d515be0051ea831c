import { describe, expect, it } from 'vitest';
import { emaSmooth } from '../../../src-renderer/src/charts/ema';

describe('emaSmooth', () => {
  it('is the identity at weight 0 (non-finite values dropped)', () => {
    expect(emaSmooth([1, 2, null, Number.NaN, 3], 0)).toEqual([1, 2, null, null, 3]);
  });
  it('is debiased: a constant series stays constant from the first point', () => {
    for (const v of emaSmooth([5, 5, 5, 5], 0.9)) expect(v).toBeCloseTo(5, 12);
  });
  it('follows the recurrence s = w·s + (1 − w)·v divided by 1 − w^n', () => {
    const out = emaSmooth([1, 3], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    // s1 = 0.5, s2 = 0.25 + 1.5 = 1.75; debias 1 − 0.25 = 0.75 → 2.333…
    expect(out[1]).toBeCloseTo(1.75 / 0.75, 12);
  });
  it('skips gaps without moving the average and smooths noise', () => {
    const out = emaSmooth([1, null, 1, Number.POSITIVE_INFINITY, 1], 0.8);
    expect(out[1]).toBeNull();
    expect(out[3]).toBeNull();
    expect(out[4]).toBeCloseTo(1, 12);
    const noisy = Array.from({ length: 200 }, (_, i) => (i % 2 ? 2 : 0));
    const smooth = emaSmooth(noisy, 0.95).slice(100) as number[];
    expect(Math.max(...smooth) - Math.min(...smooth)).toBeLessThan(0.2);
  });
});
