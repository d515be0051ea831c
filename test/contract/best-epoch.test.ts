import { describe, expect, it } from 'vitest';
import { bestEpochRule, experimentSpecSchema, isImprovement, monitoredValue, specBestEpochRule } from '../../src-main/contract';

describe('the best-epoch rule', () => {
  it('monitors validation loss by default, training loss without a validation set, or what early stopping names', () => {
    expect(bestEpochRule(undefined, true)).toEqual({ monitor: 'val_loss', minDelta: 0 });
    expect(bestEpochRule(undefined, false)).toEqual({ monitor: 'train_loss', minDelta: 0 });
    expect(bestEpochRule({ monitor: 'val_accuracy', patience: 3, minDelta: 0.01, restoreBest: true }, true)).toEqual({ monitor: 'val_accuracy', minDelta: 0.01 });
    const spec = (extra: object) => experimentSpecSchema.parse({ name: 'x', dataset: { id: 'spiral' }, model: { template: 'mlp' }, ...extra });
    expect(specBestEpochRule(spec({ validation: { split: 0 } })).monitor).toBe('train_loss');
    expect(specBestEpochRule(spec({ validation: { dataset: { id: 'moons' } } })).monitor).toBe('val_loss');
  });

  it('counts a new best only beyond the min delta, in the monitored direction', () => {
    const loss = { monitor: 'val_loss' as const, minDelta: 0.1 };
    expect(isImprovement(0.5, null, loss)).toBe(true);
    expect(isImprovement(0.45, 0.5, loss)).toBe(false);
    expect(isImprovement(0.39, 0.5, loss)).toBe(true);
    const acc = { monitor: 'val_accuracy' as const, minDelta: 0 };
    expect(isImprovement(0.9, 0.8, acc)).toBe(true);
    expect(isImprovement(0.8, 0.8, acc)).toBe(false);
    expect(isImprovement(Number.NaN, null, acc)).toBe(false);
    expect(isImprovement(null, 0.5, acc)).toBe(false);
    expect(monitoredValue({ valLoss: 1, valAccuracy: null, trainLoss: 2, trainAccuracy: 0.5 }, 'train_accuracy')).toBe(0.5);
    expect(monitoredValue({ valLoss: 1, valAccuracy: null, trainLoss: 2, trainAccuracy: 0.5 }, 'val_accuracy')).toBeNull();
  });
});
