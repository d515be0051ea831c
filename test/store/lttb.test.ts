import { describe, expect, test } from 'vitest';
import { downsampleIndices, lttbRange } from '../../src-main/store/lttb';

function series(n: number, f: (i: number) => number | null): { xs: number[]; ys: Array<number | null> } {
  const xs = Array.from({ length: n }, (_, i) => i + 1);
  return { xs, ys: xs.map((_, i) => f(i)) };
}

function isAscendingUnique(indices: number[]): boolean {
  return indices.every((v, i) => i === 0 || v > indices[i - 1]);
}

describe('lttbRange', () => {
  test('keeps every point when the threshold is not below the length', () => {
    const { xs, ys } = series(5, (i) => i * i);
    const out: number[] = [];
    lttbRange(xs, ys, 0, 5, 5, out);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  test('threshold 2 keeps only the ends of the range', () => {
    const { xs, ys } = series(10, (i) => i);
    const out: number[] = [];
    lttbRange(xs, ys, 3, 9, 2, out);
    expect(out).toEqual([3, 8]);
  });

  test('picks the point that makes the largest triangle in each bucket', () => {
    // Flat line with one spike: the spike is the only point off the line, so its bucket must keep it.
    const { xs, ys } = series(100, (i) => (i === 37 ? 50 : 1));
    const out: number[] = [];
    lttbRange(xs, ys, 0, 100, 10, out);
    expect(out).toHaveLength(10);
    expect(out).toContain(37);
    expect(out[0]).toBe(0);
    expect(out[9]).toBe(99);
  });
});

describe('downsampleIndices', () => {
  test('returns all indices when the series is short enough', () => {
    const { xs, ys } = series(7, (i) => i);
    expect(downsampleIndices(xs, ys, 7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('keeps first, last, the minimum and the maximum, within maxPoints', () => {
    // A noisy falling loss: many local wiggles, one global minimum near the end and the maximum at step 3.
    const { xs, ys } = series(10_000, (i) => 2 / Math.sqrt(i + 1) + 0.05 * Math.sin(i * 1.7) + (i === 2 ? 5 : 0) - (i === 9_000 ? 1 : 0));
    const kept = downsampleIndices(xs, ys, 300);
    expect(kept.length).toBeLessThanOrEqual(300);
    expect(kept.length).toBeGreaterThan(290);
    expect(isAscendingUnique(kept)).toBe(true);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(9_999);
    const values = ys as number[];
    const argMin = values.indexOf(Math.min(...values));
    const argMax = values.indexOf(Math.max(...values));
    expect(argMin).toBe(9_000);
    expect(argMax).toBe(2);
    expect(kept).toContain(argMin);
    expect(kept).toContain(argMax);
  });

  test('keeps the first null of a gap so the chart shows where the run diverged', () => {
    // Diverged at index 6000: NaN/Inf stored as null from there on.
    const { xs, ys } = series(8000, (i) => (i >= 6000 ? null : 1 + Math.cos(i / 50)));
    const kept = downsampleIndices(xs, ys, 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept).toContain(6000);
    expect(kept).toContain(5999);
    expect(kept[kept.length - 1]).toBe(7999);
    expect(kept.filter((i) => ys[i] === null)).toEqual([6000, 7999]);
    expect(isAscendingUnique(kept)).toBe(true);
  });

  test('treats NaN and Infinity like null', () => {
    const { xs, ys } = series(1000, (i) => (i === 500 ? Number.NaN : i === 700 ? Number.POSITIVE_INFINITY : i % 7));
    const kept = downsampleIndices(xs, ys, 50);
    expect(kept).toContain(500);
    expect(kept).toContain(700);
    expect(kept.length).toBeLessThanOrEqual(50);
  });

  test('a series of mostly gaps falls back to evenly spaced points, still within maxPoints', () => {
    const { xs, ys } = series(1000, (i) => (i % 2 === 0 ? null : i));
    const kept = downsampleIndices(xs, ys, 20);
    expect(kept).toHaveLength(20);
    expect(kept[0]).toBe(0);
    expect(kept[19]).toBe(999);
    expect(isAscendingUnique(kept)).toBe(true);
  });

  test('handles an empty series and rejects a bad maxPoints', () => {
    expect(downsampleIndices([], [], 10)).toEqual([]);
    expect(() => downsampleIndices([1, 2, 3], [1, 2, 3], 0)).toThrow(/maxPoints/);
    expect(() => downsampleIndices([1, 2], [1], 5)).toThrow(/length/);
  });
});
