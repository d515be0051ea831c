import { describe, expect, it } from 'vitest';
import { formatCountTick, formatLinearTick, formatLogTick, linearTicks, logTicks, niceStep } from '../../../src-renderer/src/charts/ticks';

const ticksOf = (t: { min: number; max: number; interval: number }) => {
  const out: number[] = [];
  for (let v = t.min; v <= t.max + t.interval * 1e-9; v += t.interval) out.push(Number(v.toPrecision(12)));
  return out;
};

describe('linear ticks', () => {
  it('uses 1, 2, 2.5 or 5 × 10^k steps', () => {
    expect(niceStep(1, 5)).toBe(0.2);
    expect(niceStep(2.3, 5)).toBe(0.5);
    expect(niceStep(0.012, 5)).toBe(0.0025);
    expect(niceStep(700, 5)).toBe(200);
  });

  it('puts both ends on ticks, so no end label lands next to a tick label (no "2.3" over "2")', () => {
    for (const [lo, hi] of [[0.0036, 1.06], [-0.37, 0.29], [1.9, 2.3], [5, 5], [1e-5, 3e-5], [120, 98_000]]) {
      const t = linearTicks(lo, hi);
      expect(t.min).toBeLessThanOrEqual(lo);
      expect(t.max).toBeGreaterThanOrEqual(hi);
      const n = (t.max - t.min) / t.interval;
      expect(Math.abs(n - Math.round(n))).toBeLessThan(1e-6);
      expect(Math.round(n)).toBeLessThanOrEqual(12);
      // One format for every label of the axis: the same number of decimals.
      const labels = ticksOf(t).map((v) => formatLinearTick(v, t));
      expect(new Set(labels).size).toBe(labels.length);
      const decimals = new Set(labels.filter((l) => !l.includes('e')).map((l) => (l.split('.')[1] ?? '').length));
      expect(decimals.size).toBeLessThanOrEqual(1);
    }
  });

  it('never goes below 0 for positive data nor above 0 for negative data', () => {
    expect(linearTicks(0.01, 1).min).toBe(0);
    expect(linearTicks(-1, -0.01).max).toBe(0);
    expect(linearTicks(-0.2, 0.3).min).toBeLessThan(-0.2);
  });

  it('writes -0 as 0', () => {
    const t = linearTicks(-0.5, 0.5);
    expect(formatLinearTick(-0, t)).toBe(t.decimals ? `0.${'0'.repeat(t.decimals)}` : '0');
  });
});

describe('log ticks', () => {
  it('spans whole decades from the smallest positive value', () => {
    expect(logTicks(0.02, 3)).toEqual({ min: 0.01, max: 10, powers: false });
    expect(logTicks(0.5, 0.5)).toMatchObject({ min: 0.1, max: 1 });
  });
  it('labels every decade alike: all plain or all powers of ten, never "0.001" next to "1.0e-4"', () => {
    const plain = logTicks(0.001, 10);
    expect([0.001, 0.01, 0.1, 1, 10].map((v) => formatLogTick(v, plain))).toEqual(['0.001', '0.01', '0.1', '1', '10']);
    const powers = logTicks(0.0001, 10);
    expect([1e-4, 1e-3, 1e-2, 0.1, 1, 10].map((v) => formatLogTick(v, powers))).toEqual(['1e-4', '1e-3', '1e-2', '1e-1', '1e0', '1e1']);
  });
});

describe('count ticks', () => {
  it('writes iterations and samples compactly by one rule', () => {
    expect([0, 500, 1000, 1500, 12_000, 2_500_000].map(formatCountTick)).toEqual(['0', '500', '1k', '1.5k', '12k', '2.5M']);
  });
});
