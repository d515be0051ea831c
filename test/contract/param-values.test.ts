import { describe, expect, it } from 'vitest';
import {
  countCombinations, countFieldValues, countRangeValues, fieldValues, rangeProblems, rangeValues, repeatedValuesProblem,
  roundSample, sampleValue, type NumberRange,
} from '../../src-main/contract/param-values';
import { createRng } from '../../src-main/engine/random';

describe('range values', () => {
  it('linear and log ranges include both ends; whole-number log ranges merge what rounds alike', () => {
    expect(rangeValues({ from: 0.1, to: 0.5, steps: 5, scale: 'linear' }, false)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(rangeValues({ from: 1e-4, to: 1e-1, steps: 4, scale: 'log' }, false)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(rangeValues({ from: 16, to: 1024, steps: 7, scale: 'log' }, true)).toEqual([16, 32, 64, 128, 256, 512, 1024]);
    expect(rangeValues({ from: 1, to: 10, steps: 8, scale: 'log' }, true)).toEqual([1, 2, 3, 4, 5, 7, 10]);
    expect(rangeValues({ from: 5, to: 1, steps: 3, scale: 'linear' }, true)).toEqual([5, 3, 1]);
    expect(rangeValues({ from: 3, to: 3, steps: 4, scale: 'linear' }, false)).toEqual([3]);
  });

  it('counts exactly what it would expand, for any range, without building the values', () => {
    const rng = createRng(42);
    for (let i = 0; i < 500; i++) {
      const log = rng() < 0.5;
      const integer = rng() < 0.5;
      const a = log ? Math.exp(rng() * 12 - 6) : rng() * 2000 - 1000;
      const b = log ? Math.exp(rng() * 12 - 6) : rng() * 2000 - 1000;
      const range: NumberRange = {
        from: integer ? Math.max(1, Math.round(a)) : a, to: integer ? Math.max(1, Math.round(b)) : b,
        steps: 1 + Math.floor(rng() * 300), scale: log ? 'log' : 'linear',
      };
      expect(countRangeValues(range, integer), JSON.stringify(range)).toBe(rangeValues(range, integer).length);
      expect(countFieldValues(range, integer)).toBe(fieldValues(range, integer).length);
    }
    expect(countFieldValues([0.1, 0.01], false)).toBe(2);
    expect(countFieldValues(0.1, false)).toBe(1);
    expect(countFieldValues({ from: 1e-4, to: 1, scale: 'log' }, false)).toBe(Infinity);
    expect(countCombinations([100, 100, 100])).toBe(1e6);
    expect(() => rangeValues({ from: 0, to: 1, scale: 'linear' }, false)).toThrow(/random search samples it/);
  });
});

describe('range rules', () => {
  it('a log range needs both ends above 0', () => {
    expect(rangeProblems({ from: 0, to: 1, steps: 3, scale: 'log' }, false)[0].message).toMatch(/log range needs from and to greater than 0/);
    expect(rangeProblems({ from: 1e-3, to: -1, scale: 'log' }, false)).toHaveLength(1);
    expect(rangeProblems({ from: 0, to: 1, steps: 3, scale: 'linear' }, false)).toEqual([]);
  });
  it('a whole-number range has at most as many steps as whole numbers between its ends', () => {
    expect(rangeProblems({ from: 10, to: 12, steps: 5, scale: 'linear' }, true)).toEqual([
      { part: 'steps', message: '5 steps between 10 and 12 repeat whole numbers; use at most 3' },
    ]);
    expect(rangeProblems({ from: 10, to: 12, steps: 3, scale: 'linear' }, true)).toEqual([]);
    expect(rangeProblems({ from: 10, to: 12, steps: 5, scale: 'linear' }, false)).toEqual([]);
  });
  it('a list names each value once', () => {
    expect(repeatedValuesProblem([0.1, 0.01, 0.1])).toBe('0.1 is listed more than once');
    expect(repeatedValuesProblem(['adam', 'sgd', 'adam', 'sgd'])).toBe('adam, sgd are listed more than once');
    expect(repeatedValuesProblem([1, 2, 3])).toBeNull();
  });
});

describe('sampling for random search', () => {
  it('rounds continuous samples to three significant digits inside the range, integers to whole numbers', () => {
    expect(roundSample(0.0034712398, false, 1e-4, 1e-1)).toBe(0.00347);
    expect(roundSample(12.5, true, 1, 100)).toBe(13);
    // Rounding never leaves the range: 0.0012341 would round to 0.00123, below `from`.
    expect(roundSample(0.0012341, false, 0.001234, 0.002)).toBe(0.001234);
  });

  it('samples log ranges log-uniformly, linear whole-number ranges uniformly over every whole number', () => {
    const rng = createRng(3);
    const logSamples = Array.from({ length: 4000 }, () => sampleValue({ from: 1e-4, to: 1, scale: 'log' }, false, rng) as number);
    const decades = [0, 0, 0, 0];
    for (const v of logSamples) decades[Math.min(3, Math.floor(Math.log10(v) + 4))]++;
    for (const n of decades) expect(n).toBeGreaterThan(800); // ~1000 per decade
    const ints = Array.from({ length: 6000 }, () => sampleValue({ from: 1, to: 6, scale: 'linear' }, true, rng) as number);
    for (let k = 1; k <= 6; k++) expect(ints.filter((v) => v === k).length).toBeGreaterThan(850); // ~1000 each, ends included
    expect(new Set(ints)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it('picks among a range\'s values when it has steps, and from a list uniformly', () => {
    const rng = createRng(5);
    const picks = new Set(Array.from({ length: 200 }, () => sampleValue({ from: 1e-3, to: 1e-1, steps: 3, scale: 'log' }, false, rng)));
    expect([...picks].sort()).toEqual([1e-3, 1e-2, 1e-1]);
    const listPicks = new Set(Array.from({ length: 200 }, () => sampleValue(['adam', 'sgd'], false, rng)));
    expect([...listPicks].sort()).toEqual(['adam', 'sgd']);
  });
});
