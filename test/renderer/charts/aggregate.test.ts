import { describe, expect, it } from 'vitest';
import { aggregateAligned, aggregateBinned, meanStd } from '../../../src-renderer/src/charts/aggregate';

describe('meanStd', () => {
  it('uses the sample standard deviation and ignores non-finite values', () => {
    const r = meanStd([1, 2, 3, 4, null, Number.NaN]);
    expect(r?.mean).toBe(2.5);
    expect(r?.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(r?.n).toBe(4);
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
    expect(meanStd([null])).toBeNull();
  });
});

describe('aggregateAligned (epochs across seeds)', () => {
  it('averages per epoch, with fewer runs where some stopped early', () => {
    const a = [{ key: 1, x: 10, y: 1.0 }, { key: 2, x: 20, y: 0.6 }, { key: 3, x: 30, y: 0.4 }];
    const b = [{ key: 1, x: 12, y: 0.8 }, { key: 2, x: 22, y: 0.4 }];
    const out = aggregateAligned([a, b]);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ key: 1, x: 11, n: 2 });
    expect(out[0].mean).toBeCloseTo(0.9, 12);
    expect(out[0].std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(out[2]).toMatchObject({ x: 30, mean: 0.4, std: 0, n: 1 });
  });
  it('skips missing values instead of counting them as zero', () => {
    const out = aggregateAligned([[{ key: 1, x: 1, y: null }], [{ key: 1, x: 1, y: 2 }]]);
    expect(out).toEqual([{ key: 1, x: 1, mean: 2, std: 0, n: 1 }]);
  });
});

describe('aggregateBinned (downsampled iterations)', () => {
  it('weights each run once per bin, however densely it was sampled', () => {
    const dense = Array.from({ length: 10 }, (_, i) => ({ x: i / 10, y: 0 }));
    const sparse = [{ x: 0.5, y: 10 }];
    const out = aggregateBinned([dense, sparse], 1);
    expect(out).toHaveLength(1);
    expect(out[0].mean).toBe(5);
    expect(out[0].n).toBe(2);
  });
  it('keeps the x order and handles empty input', () => {
    const out = aggregateBinned([[{ x: 0, y: 1 }, { x: 100, y: 3 }], [{ x: 50, y: 2 }]], 4);
    expect(out.map((p) => p.mean)).toEqual([1, 2, 3]);
    expect(aggregateBinned([], 10)).toEqual([]);
  });
});
