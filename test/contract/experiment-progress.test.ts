import { describe, expect, it } from 'vitest';
import { experimentProgress, experimentStatus } from '../../src-main/contract';

describe('experimentStatus', () => {
  it('is running while a run trains or a live process holds queued runs', () => {
    expect(experimentStatus({ running: 1, queued: 3 }, true)).toBe('running');
    expect(experimentStatus({ running: 1 }, false)).toBe('running');
    expect(experimentStatus({ queued: 3, completed: 1 }, true)).toBe('running');
  });
  it('is interrupted when the process died with work left, stopped when a person cancelled it, else finished', () => {
    expect(experimentStatus({ queued: 3, completed: 1 }, false)).toBe('interrupted');
    expect(experimentStatus({ interrupted: 1, cancelled: 2 }, false)).toBe('interrupted');
    expect(experimentStatus({ cancelled: 2, completed: 1 }, false)).toBe('stopped');
    expect(experimentStatus({ completed: 2, 'early-stopped': 1, diverged: 1, failed: 1 }, false)).toBe('finished');
    expect(experimentStatus({}, false)).toBe('finished');
  });
});

describe('experimentProgress', () => {
  it('counts unfinished trials against the planned total; runs that ended early count their skipped iterations as settled', () => {
    const p = experimentProgress({
      completed: { runs: 1, planned: 100, done: 100 },
      'early-stopped': { runs: 1, planned: 100, done: 40 },
      cancelled: { runs: 2, planned: 200, done: 30 },
      queued: { runs: 1, planned: 100, done: 0 },
    });
    expect(p).toEqual({
      trials: 5, endedTrials: 2, unfinishedTrials: 3, plannedIterations: 500, doneIterations: 170, skippedIterations: 60,
      fraction: (170 + 60) / 500, etaSeconds: null,
    });
  });
  it('is complete only when every trial has ended for good', () => {
    expect(experimentProgress({ completed: { runs: 2, planned: 20, done: 20 } }).fraction).toBe(1);
    expect(experimentProgress({ cancelled: { runs: 2, planned: 20, done: 20 } }).fraction).toBe(1);
    expect(experimentProgress({}).fraction).toBe(0);
  });
});
