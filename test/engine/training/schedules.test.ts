import { describe, expect, it } from 'vitest';
import { learningRateAt, type ScheduleContext } from '../../../src-main/engine/training/schedules';
import { scheduleOptionsSchema } from '../../../src-main/contract';

const ctx = (schedule: ScheduleContext['schedule'], options = {}): ScheduleContext => ({
  baseLearningRate: 0.1, schedule, options: scheduleOptionsSchema.parse(options), iterationsPerEpoch: 10, totalIterations: 100,
});

describe('learning-rate schedules', () => {
  it('constant stays put', () => {
    expect(learningRateAt(ctx('constant'), 0)).toBe(0.1);
    expect(learningRateAt(ctx('constant'), 99)).toBe(0.1);
  });
  it('step multiplies by gamma every stepEpochs epochs, at epoch boundaries', () => {
    const c = ctx('step', { stepEpochs: 2, gamma: 0.5 });
    expect(learningRateAt(c, 19)).toBe(0.1);
    expect(learningRateAt(c, 20)).toBe(0.05);
    expect(learningRateAt(c, 40)).toBe(0.025);
  });
  it('exponential equals decayRate^epoch at epoch boundaries', () => {
    const c = ctx('exponential', { decayRate: 0.9 });
    expect(learningRateAt(c, 30)).toBeCloseTo(0.1 * 0.9 ** 3, 12);
    expect(learningRateAt(c, 35)).toBeLessThan(learningRateAt(c, 30));
  });
  it('cosine anneals from the base rate to minFactor × base at the last step', () => {
    const c = ctx('cosine', { minFactor: 0.1 });
    expect(learningRateAt(c, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(c, 99)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(c, 49.5)).toBeCloseTo(0.055, 6);
  });
  it('warm-up rises linearly over warmupEpochs then holds', () => {
    const c = ctx('warmup', { warmupEpochs: 2 });
    expect(learningRateAt(c, 0)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(c, 9)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(c, 19)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(c, 50)).toBe(0.1);
  });
});
