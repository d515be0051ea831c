import { describe, expect, it } from 'vitest';
import { batchSizeAt, iterationAccounting, splitSizes, stratifiedValidationCounts } from '../../src-main/contract';

describe('iterationAccounting', () => {
  it('N = 1050, B = 100 gives 11 iterations, the last of 50 samples (the seed article example)', () => {
    const a = iterationAccounting(1050, 100, 1);
    expect(a.iterationsPerEpoch).toBe(11);
    expect(a.lastBatchSize).toBe(50);
    expect(a.samplesPerEpoch).toBe(1050);
    expect(batchSizeAt(a, 0)).toBe(100);
    expect(batchSizeAt(a, 10)).toBe(50);
  });

  it('N = 1000, B = 10 gives 100 iterations per epoch', () => {
    const a = iterationAccounting(1000, 10, 3);
    expect(a.iterationsPerEpoch).toBe(100);
    expect(a.lastBatchSize).toBe(10);
    expect(a.totalIterations).toBe(300);
  });

  it('total iterations are epochs × ceil(N/B), not epochs × batch size', () => {
    const a = iterationAccounting(1050, 100, 7);
    expect(a.totalIterations).toBe(77);
    expect(a.totalIterations).not.toBe(7 * 100);
  });

  it('dropping the last partial batch uses floor(N/B)', () => {
    const a = iterationAccounting(1050, 100, 2, true);
    expect(a.iterationsPerEpoch).toBe(10);
    expect(a.lastBatchSize).toBe(100);
    expect(a.samplesPerEpoch).toBe(1000);
    expect(a.totalIterations).toBe(20);
  });

  it('a batch larger than N trains full-batch: one iteration of N samples', () => {
    const a = iterationAccounting(300, 1024, 5);
    expect(a.effectiveBatchSize).toBe(300);
    expect(a.iterationsPerEpoch).toBe(1);
    expect(a.lastBatchSize).toBe(300);
    expect(a.totalIterations).toBe(5);
  });

  it('refuses impossible inputs', () => {
    expect(() => iterationAccounting(0, 10, 1)).toThrow(RangeError);
    expect(() => iterationAccounting(10, 2.5, 1)).toThrow(RangeError);
    expect(() => iterationAccounting(10, 2, 0)).toThrow(RangeError);
  });
});

describe('stratified split sizes', () => {
  it('rounds per class and never empties a class', () => {
    expect(stratifiedValidationCounts([100, 50, 1], 0.2)).toEqual([20, 10, 0]);
    expect(stratifiedValidationCounts([2, 3], 0.9)).toEqual([1, 2]);
    expect(splitSizes([500, 500], 0.25)).toEqual({ nTrain: 750, nVal: 250 });
    expect(splitSizes([500, 500], 0)).toEqual({ nTrain: 1000, nVal: 0 });
  });
});
