import { describe, expect, it } from 'vitest';
import type { EpochMetric } from '../../../src-main/contract';
import { EpochJudge } from '../../../src-main/engine/training/stopping';

function epoch(n: number, valLoss: number | null, trainLoss = 1): EpochMetric {
  return { epoch: n, step: n * 10, trainLoss, trainAccuracy: 0.5, valLoss, valAccuracy: 0.5, learningRate: 0.01, seconds: 1, samplesSeen: n * 100, elapsedMs: n * 1000 };
}

/** Feeds validation losses until a rule stops the run; returns the epoch it stopped after, or null. */
function stopsAfter(judge: EpochJudge, losses: Array<number | null>): { epoch: number | null; reason: string | null } {
  for (let i = 0; i < losses.length; i++) {
    const decision = judge.observe(epoch(i + 1, losses[i]));
    if (decision.stop) return { epoch: i + 1, reason: decision.stop.reason };
  }
  return { epoch: null, reason: null };
}

const early = { monitor: 'val_loss' as const, patience: 3, minDelta: 0, restoreBest: true };

describe('EpochJudge', () => {
  it('stops after `patience` epochs without improvement and says which rule fired, with its numbers', () => {
    const judge = new EpochJudge(early, undefined, true, 20);
    // Best at epoch 5 (0.5), then 3 epochs that do not beat it.
    const result = stopsAfter(judge, [1, 0.9, 0.8, 0.6, 0.5, 0.55, 0.51, 0.5]);
    expect(result.epoch).toBe(8);
    expect(result.reason).toBe('early stopping: val_loss did not improve by more than 0 for 3 epochs; best epoch 5, stopped after epoch 8');
    expect(judge.bestEpoch).toBe(5);
  });

  it('does not stop a run on its last planned epoch: a run that trained every epoch completed', () => {
    // Patience runs out exactly on epoch 8, the last one planned.
    const judge = new EpochJudge(early, undefined, true, 8);
    expect(stopsAfter(judge, [1, 0.9, 0.8, 0.6, 0.5, 0.55, 0.51, 0.5])).toEqual({ epoch: null, reason: null });
    expect(judge.bestEpoch).toBe(5);
  });

  it('stops one epoch before the last when patience runs out there', () => {
    const judge = new EpochJudge({ ...early, patience: 2 }, undefined, true, 8);
    expect(stopsAfter(judge, [1, 0.9, 0.8, 0.6, 0.5, 0.55, 0.51, 0.5]).epoch).toBe(7);
  });

  it('counts an improvement only above minDelta, and a missing value as no improvement', () => {
    const judge = new EpochJudge({ ...early, patience: 2, minDelta: 0.1 }, undefined, true, 20);
    const result = stopsAfter(judge, [1, 0.95, null, 0.5]);
    expect(result.epoch).toBe(3);
    expect(result.reason).toMatch(/^early stopping: val_loss did not improve by more than 0.1 for 2 epochs; best epoch 1, stopped after epoch 3$/);
  });

  it('reports the plateau rule on training loss with its relative threshold', () => {
    const judge = new EpochJudge(undefined, { patience: 2, minDelta: 0.1 }, true, 20);
    let stop: string | null = null;
    const trainLosses = [1, 0.8, 0.78, 0.77, 0.5];
    for (let i = 0; i < trainLosses.length && !stop; i++) stop = judge.observe(epoch(i + 1, 1 - i * 0.1, trainLosses[i])).stop?.reason ?? null;
    expect(stop).toBe('plateau: training loss did not improve by more than 0.1 (relative) for 2 epochs; best epoch 4, stopped after epoch 4');
  });

  it('keeps its state across a resume point', () => {
    const a = new EpochJudge(early, undefined, true, 20);
    stopsAfter(a, [1, 0.5, 0.6]);
    const b = new EpochJudge(early, undefined, true, 20);
    b.restore(a.snapshot());
    expect(b.observe(epoch(4, 0.7)).stop).toBeNull();
    expect(b.observe(epoch(5, 0.7)).stop?.reason).toMatch(/best epoch 2, stopped after epoch 5$/);
  });
});
