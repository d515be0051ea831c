import { describe, expect, it } from 'vitest';
import { DISK_FULL_FAILURE, canResumeExperiment, experimentProgress, experimentStatus, isResumable, summarizeRuns, type RunStatus, type RunSummary } from '../../src-main/contract';

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

describe('canResumeExperiment', () => {
  // Every status a set of runs can derive: Resume is offered exactly when some run isResumable accepts (or a
  // queued run nobody trains) is left, so the renderer's button and the services' resume agree.
  const run = (status: RunStatus, error: string | null = null) =>
    ({ status, error, stepsDone: 0, accounting: { totalIterations: 10 } }) as Pick<RunSummary, 'status' | 'error' | 'accounting' | 'stepsDone'>;
  const cases: Array<Array<ReturnType<typeof run>>> = [
    [run('completed'), run('cancelled')],
    [run('completed'), run('interrupted')],
    [run('completed'), run('failed', `${DISK_FULL_FAILURE} (ENOSPC); free some space, then resume the experiment`)],
    [run('completed'), run('failed', 'out of memory')],
    [run('completed'), run('early-stopped'), run('diverged')],
    [run('completed'), run('queued')],
  ];
  it.each(cases.map((runs) => [runs.map((r) => r.status + (r.error ? ` (${r.error.slice(0, 12)})` : '')).join(', '), runs] as const))('%s', (_, runs) => {
    const { counts, resumableFailures } = summarizeRuns(runs);
    const leftover = runs.some((r) => isResumable(r) || r.status === 'queued');
    expect(canResumeExperiment(experimentStatus(counts, false, resumableFailures))).toBe(leftover);
  });
  it('offers nothing while a process trains the experiment', () => {
    expect(canResumeExperiment(experimentStatus({ cancelled: 1, running: 1 }, true))).toBe(false);
    expect(canResumeExperiment('running')).toBe(false);
    expect(canResumeExperiment('finished')).toBe(false);
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
