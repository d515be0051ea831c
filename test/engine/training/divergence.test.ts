// The divergence rule on its own: numbers in, verdicts out (docs/reliability.md F1).
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIVERGENCE, divergenceSchema, parseApiInput, type DivergenceSpec } from '../../../src-main/contract';
import { DivergenceWatch, formatLoss, type Divergence } from '../../../src-main/engine/training/divergence';

/** Feeds losses as steps 1, 2, … of epochs of `perEpoch` steps; returns the first verdict and its index. */
function feed(losses: number[], spec: Partial<DivergenceSpec> = {}, context = { numClasses: 10, iterationsPerEpoch: 1000 }): Divergence | null {
  const watch = new DivergenceWatch({ ...DEFAULT_DIVERGENCE, ...spec }, context);
  for (const [i, loss] of losses.entries()) {
    const step = i + 1;
    const verdict = watch.observeLoss(loss, { step, epoch: Math.ceil(step / context.iterationsPerEpoch), batch: i % context.iterationsPerEpoch, learningRate: 0.1 });
    if (verdict) return verdict;
  }
  return null;
}

/** The debiased EMA the rule smooths with, written out independently. */
function ema(values: number[], w: number): number[] {
  let s = 0;
  return values.map((v, i) => {
    s = w * s + (1 - w) * v;
    return s / (1 - w ** (i + 1));
  });
}

describe('DivergenceWatch', () => {
  it('fires at once on a non-finite loss, naming the step and where it is', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const verdict = feed([2.3, 2.2, bad, 2.0]);
      expect(verdict).toMatchObject({ rule: 'non-finite-loss', step: 3 });
      expect(verdict!.reason).toBe(`loss became ${String(bad)} at step 3 (epoch 1, batch 3) with learning rate 0.1`);
    }
  });

  it('fires when the smoothed loss stays above factor × the initial loss for `patience` steps, and names the numbers', () => {
    const losses = [2.3, ...Array.from({ length: 60 }, (_, i) => 1e3 * 10 ** i)];
    const smoothed = ema(losses, 0.9);
    const firstAbove = smoothed.findIndex((s) => s > 100 * 2.3) + 1;
    const verdict = feed(losses);
    expect(verdict).not.toBeNull();
    expect(verdict!.rule).toBe('loss-explosion');
    expect(verdict!.step).toBe(firstAbove + 19);
    expect(verdict!.reason).toContain(`above 100 × the reference loss 2.3 for 20 consecutive step(s) since step ${firstAbove}`);
    expect(verdict!.reason).toContain(`reaching ${formatLoss(smoothed[verdict!.step - 1])}`);
    expect(verdict!.reason).toMatch(/^loss exploded at step \d+ \(epoch 1, batch \d+\) with learning rate 0\.1: /);
  });

  it('does not fire on a finite loss that falls, or on a start-up spike the smoothing and patience absorb', () => {
    const falling = Array.from({ length: 500 }, (_, i) => 2.3 * Math.exp(-i / 100) + 0.01 * Math.sin(i));
    expect(feed(falling)).toBeNull();
    // Three steps at 1000× (a common shape of an aggressive learning rate's first steps), then recovery.
    const spike = [2.3, 2300, 2300, 2300, ...Array.from({ length: 200 }, () => 1.5)];
    const smoothed = ema(spike, 0.9);
    const above = smoothed.filter((s) => s > 100 * 2.3).length;
    expect(above).toBeGreaterThan(0);
    expect(above).toBeLessThan(20);
    expect(feed(spike)).toBeNull();
  });

  it('needs the steps above the threshold to be consecutive', () => {
    // Alternating bursts: never 20 in a row above the threshold, although far more than 20 in total.
    const losses = [2.3];
    for (let round = 0; round < 10; round++) losses.push(...Array.from({ length: 3 }, () => 2000), ...Array.from({ length: 60 }, () => 0.5));
    const smoothed = ema(losses, 0.9);
    let longest = 0;
    let run = 0;
    for (const s of smoothed) {
      run = s > 230 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThan(20);
    expect(smoothed.filter((s) => s > 230).length).toBeGreaterThan(40);
    expect(feed(losses)).toBeNull();
  });

  it('uses chance level ln(K) as the reference when the first loss is lower', () => {
    // A lucky first batch at 0.001 must not make ordinary losses of 0.5 look like an explosion.
    const losses = [0.001, ...Array.from({ length: 100 }, () => 0.5)];
    expect(feed(losses, {}, { numClasses: 2, iterationsPerEpoch: 1000 })).toBeNull();
    const watch = new DivergenceWatch(DEFAULT_DIVERGENCE, { numClasses: 2, iterationsPerEpoch: 10 });
    watch.observeLoss(0.001, { step: 1, epoch: 1, batch: 0, learningRate: 1 });
    expect(watch.referenceLoss).toBeCloseTo(Math.log(2), 12);
    const high = new DivergenceWatch(DEFAULT_DIVERGENCE, { numClasses: 2, iterationsPerEpoch: 10 });
    high.observeLoss(5, { step: 1, epoch: 1, batch: 0, learningRate: 1 });
    expect(high.referenceLoss).toBe(5);
  });

  it('shortens the patience to one epoch when epochs are shorter (full-batch runs)', () => {
    // One step per epoch: the second step at 1e20 puts the smoothed loss far above 100× at once.
    const verdict = feed([2.3, 1e20, 1e20], {}, { numClasses: 10, iterationsPerEpoch: 1 });
    expect(verdict).toMatchObject({ rule: 'loss-explosion', step: 2 });
    expect(verdict!.reason).toContain('patience 20 — 1, one epoch');
    const perEpoch3 = feed([2.3, 1e20, 1e20, 1e20, 1e20], {}, { numClasses: 10, iterationsPerEpoch: 3 });
    expect(perEpoch3).toMatchObject({ step: 4 });
  });

  it('follows its settings: factor, patience, smoothing 0, and lossFactor null (non-finite checks only)', () => {
    const losses = [1, ...Array.from({ length: 50 }, () => 30)];
    expect(feed(losses, { lossFactor: 100 }, { numClasses: 2, iterationsPerEpoch: 100 })).toBeNull();
    expect(feed(losses, { lossFactor: 10, patience: 5, smoothing: 0 }, { numClasses: 2, iterationsPerEpoch: 100 })).toMatchObject({ step: 6 });
    expect(feed([1, 1e30, 1e30, 1e30], { lossFactor: null }, { numClasses: 2, iterationsPerEpoch: 1 })).toBeNull();
    expect(feed([1, 1e30, NaN], { lossFactor: null }, { numClasses: 2, iterationsPerEpoch: 1 })).toMatchObject({ rule: 'non-finite-loss', step: 3 });
  });

  it('takes the defaults for a run stored before the rule existed (no training.divergence)', () => {
    const watch = new DivergenceWatch(undefined, { numClasses: 10, iterationsPerEpoch: 1 });
    watch.observeLoss(2.3, { step: 1, epoch: 1, batch: 0, learningRate: 1 });
    expect(watch.observeLoss(1e6, { step: 2, epoch: 2, batch: 0, learningRate: 1 })).toMatchObject({ rule: 'loss-explosion' });
  });

  it('reports non-finite weights with the weight that holds them', () => {
    const watch = new DivergenceWatch(DEFAULT_DIVERGENCE, { numClasses: 10, iterationsPerEpoch: 5 });
    expect(watch.observeWeights(null, 1, 5)).toBeNull();
    expect(watch.observeWeights('dense_Dense1/kernel', 2, 10)).toEqual({
      rule: 'non-finite-weights', step: 10,
      reason: 'weights became non-finite by the end of epoch 2 (step 10): dense_Dense1/kernel holds NaN or Infinity',
    });
  });
});

describe('training.divergence in the spec', () => {
  const spec = (divergence: unknown) => ({
    spec: { name: 'x', dataset: { id: 'moons' }, model: { template: 'mlp' }, training: { divergence } },
  });
  it('fills in the defaults', () => {
    expect(divergenceSchema.parse({})).toEqual({ lossFactor: 100, patience: 20, smoothing: 0.9 });
    expect(parseApiInput('previewExperiment', { spec: { name: 'x', dataset: { id: 'moons' }, model: { template: 'mlp' } } }).spec.training.divergence).toEqual(DEFAULT_DIVERGENCE);
    expect(parseApiInput('previewExperiment', spec({ lossFactor: null })).spec.training.divergence.lossFactor).toBeNull();
  });
  it.each([
    [{ lossFactor: 1 }, 'lossFactor', 'loss factor must be greater than 1'],
    [{ lossFactor: 'big' }, 'lossFactor', 'loss factor must be a number greater than 1, or null'],
    [{ patience: 0 }, 'patience', 'patience must be at least 1'],
    [{ patience: 2.5 }, 'patience', 'patience must be a whole number'],
    [{ smoothing: 1 }, 'smoothing', 'smoothing must be from 0 to 0.999'],
    [{ smoothing: -0.1 }, 'smoothing', 'smoothing must be from 0 to 0.999'],
    [{ window: 3 }, '', 'window'],
  ])('refuses %j naming the field', (divergence, field, message) => {
    let error: unknown;
    try {
      parseApiInput('previewExperiment', spec(divergence));
    } catch (e) {
      error = e;
    }
    const issues = (error as { issues: Array<{ path: string; message: string }> }).issues;
    expect(issues[0].path).toBe(['spec.training.divergence', field].filter(Boolean).join('.'));
    expect(issues[0].message).toContain(message);
  });
});
