import { describe, expect, it } from 'vitest';
import { runProgress, type LiveProgress } from '../../../src-renderer/src/lib/progress';
import { makeRun } from '../fixtures';

const live = (step: number, totalSteps: number, elapsedMs: number): LiveProgress => ({ step, totalSteps, epoch: 1, loss: 0.5, elapsedMs, samplesPerSecond: 0 });

describe('runProgress', () => {
  it('measures ETA from the run’s own speed', () => {
    const run = makeRun(1, {}, { status: 'running', stepsDone: 0 });
    // 44 steps planned (11 × 4); 11 done in 2 s → 5.5 steps/s → 33 left → 6 s.
    const p = runProgress(run, live(11, 44, 2000));
    expect(p).toMatchObject({ doneSteps: 11, totalSteps: 44, fraction: 0.25 });
    expect(p.etaSeconds).toBeCloseTo(6, 12);
  });
  it('counts what a stopped or cancelled run trained against its plan, and has no ETA unless it trains', () => {
    expect(runProgress(makeRun(1, {}, { status: 'early-stopped', stepsDone: 22 }))).toEqual({ doneSteps: 22, totalSteps: 44, fraction: 0.5, etaSeconds: null });
    expect(runProgress(makeRun(1, {}, { status: 'cancelled', stepsDone: 11 }), live(30, 44, 1000))).toMatchObject({ doneSteps: 11, fraction: 0.25, etaSeconds: null });
    expect(runProgress(makeRun(1, {}, { status: 'queued', stepsDone: 0 })).etaSeconds).toBeNull();
  });
});
