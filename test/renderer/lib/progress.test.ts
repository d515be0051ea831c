import { describe, expect, it } from 'vitest';
import { experimentProgress, runProgress, type LiveProgress } from '../../../src-renderer/src/lib/progress';
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
  it('is full for a run that stopped early, and unknown before the first step', () => {
    expect(runProgress(makeRun(1, {}, { status: 'early-stopped', stepsDone: 22 }))).toEqual({ doneSteps: 22, totalSteps: 22, fraction: 1, etaSeconds: 0 });
    expect(runProgress(makeRun(1, {}, { status: 'queued', stepsDone: 0 })).etaSeconds).toBeNull();
  });
});

describe('experimentProgress', () => {
  it('adds the speeds of parallel runs and counts queued runs as remaining work', () => {
    const runs = [
      makeRun(1, {}, { status: 'completed', stepsDone: 44 }),
      makeRun(2, {}, { status: 'running', stepsDone: 0 }),
      makeRun(3, {}, { status: 'running', stepsDone: 0 }),
      makeRun(4, {}, { status: 'queued', stepsDone: 0 }),
    ];
    const p = experimentProgress(runs, { 2: live(22, 44, 2000), 3: live(11, 44, 1000) });
    // done 44 + 22 + 11 = 77 of 176; speed 11 + 11 = 22 steps/s; 99 left → 4.5 s.
    expect(p.doneSteps).toBe(77);
    expect(p.totalSteps).toBe(176);
    expect(p.finishedRuns).toBe(1);
    expect(p.etaSeconds).toBeCloseTo(4.5, 12);
  });
  it('has no ETA while nothing runs, and 0 when everything is done', () => {
    expect(experimentProgress([makeRun(1, {}, { status: 'queued', stepsDone: 0 })], {}).etaSeconds).toBeNull();
    expect(experimentProgress([makeRun(1)], {})).toMatchObject({ fraction: 1, etaSeconds: 0 });
  });
  it('counts the trials a TPE study has yet to propose at the mean size of the stored ones', () => {
    // Two stored runs of 44 steps, one done; 4 planned → 2 more of 44 each.
    const runs = [makeRun(1, {}, { status: 'completed', stepsDone: 44 }), makeRun(2, {}, { status: 'running', stepsDone: 0 })];
    const p = experimentProgress(runs, { 2: live(22, 44, 2000) }, 4);
    expect(p.totalSteps).toBe(44 * 4);
    expect(p.doneSteps).toBe(66);
    expect(p.fraction).toBeCloseTo(66 / 176, 12);
  });
});
