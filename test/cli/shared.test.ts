import { describe, expect, it } from 'vitest';
import { bestLine } from '../../src-main/cli/shared';
import { makeRun } from '../renderer/fixtures';

describe('bestLine', () => {
  it('never names a diverged run, even with the lowest validation loss (docs/reliability.md F1)', () => {
    const runs = [
      makeRun(1, { learningRate: 1e6 }, { status: 'diverged', bestEpoch: 1, bestValLoss: 0.2 }),
      makeRun(2, { learningRate: 0.01 }, { status: 'completed', bestEpoch: 3, bestValLoss: 0.5 }),
    ];
    expect(bestLine(runs)).toMatch(/^lowest validation loss: run 2 · trial 2 of experiment 1 \(lr=0\.01\) — 0\.5000 at epoch 3/);
    expect(bestLine([runs[0]])).toBe('');
  });
});
