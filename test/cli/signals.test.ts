// Ctrl-C and SIGTERM on the real CLI (docs/reliability.md E5): `run` and `resume` cancel their trials after a
// final flush, leave no run `running` and no lock, exit 130 (143 for SIGTERM), and `resume` continues the runs
// with no duplicated or missing step; a second Ctrl-C forces the exit after the flush timeout, still cleanly.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rawRequest } from '../server/http-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORCED_EXIT_REASON } from '../../src-main/cli/interrupt';
import { moonsSpec, tempDataDir } from '../services/harness';
import { lockFile, query, startCli, waitFor, writeSpec } from './cli-harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

interface RunRow {
  id: number;
  status: string;
  error: string | null;
  end_reason: string | null;
  epochs_done: number;
  steps_done: number;
}
const runs = () => query<RunRow>(data.dir, 'SELECT id, status, error, end_reason, epochs_done, steps_done FROM runs ORDER BY id') ?? [];
const storedSteps = (runId: number) => (query<{ step: number }>(data.dir, 'SELECT step FROM iteration_metrics WHERE run_id = ? ORDER BY step', runId) ?? []).map((r) => r.step);
/** User + system CPU seconds of a process, all its threads (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
const epochRows = (runId: number) => query<{ n: number }>(data.dir, 'SELECT COUNT(*) AS n FROM epoch_metrics WHERE run_id = ?', runId)?.[0]?.n ?? 0;

describe('Ctrl-C on long commands', () => {
  it('run and resume: exit 130, runs cancelled in the database, lock released, and resume continues without gaps or duplicates', { timeout: 300_000 }, async () => {
    const spec = writeSpec(data.dir, moonsSpec({ batchSize: 4, epochs: 200, seed: [1, 2, 3] }));
    const run = startCli(data.dir, 'run', spec, '--backend', 'cpu', '--concurrency', '2');
    await waitFor('an epoch of run 1', () => epochRows(1) >= 1);
    expect(existsSync(lockFile(data.dir))).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toEqual({ code: 130, signal: null });
    expect(run.stderr()).toMatch(/stopping: cancelling 3 trial\(s\)/);
    expect(run.stderr()).toMatch(/to continue: epochlab --data-dir ".*" resume 1/);
    expect(run.stdout()).toMatch(/cancelled/); // the final table is still printed
    expect(runs().map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(query<{ status: string }>(data.dir, 'SELECT status FROM experiments')).not.toEqual([{ status: 'running' }]);
    expect(existsSync(lockFile(data.dir))).toBe(false);
    // `show` says what is left and how to continue it, as the app offers Resume.
    const shown = startCli(data.dir, 'show', '1', '--experiment');
    expect((await shown.exited).code, shown.stderr()).toBe(0);
    expect(shown.stdout()).toMatch(/— stopped\n/);
    expect(shown.stdout()).toMatch(/3 of 3 trials unfinished; to continue: epochlab --data-dir ".*" resume 1/);
    const before = runs();

    const resume = startCli(data.dir, 'resume', '1', '--concurrency', '3');
    await waitFor('the resumed runs to train on', () => runs().every((r, i) => r.status === 'running' && r.steps_done > before[i].steps_done + 20));
    resume.child.kill('SIGINT');
    expect(await resume.exited, resume.stderr()).toEqual({ code: 130, signal: null });
    const after = runs();
    expect(after.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(existsSync(lockFile(data.dir))).toBe(false);
    for (const r of after) {
      expect(r.steps_done).toBeGreaterThan(before.find((b) => b.id === r.id)!.steps_done);
      const steps = storedSteps(r.id);
      expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
      expect(r.steps_done).toBe(steps.length);
    }

    // SIGTERM the same way, 143.
    const again = startCli(data.dir, 'resume', '1');
    await waitFor('a run to start', () => runs().some((r) => r.status === 'running'));
    again.child.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 143, signal: null });
    expect(runs().some((r) => r.status === 'running')).toBe(false);
    expect(existsSync(lockFile(data.dir))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('a second Ctrl-C during a flush that does not end forces the exit after the timeout, with no run left running', { timeout: 240_000 }, async () => {
    // Steps of minutes on the plain cpu backend (a wide MLP, large batches): the trial cannot see its cancel,
    // which it checks between steps, so the final flush cannot end.
    const spec = writeSpec(data.dir, {
      name: 'slow steps', dataset: { id: 'mnist-10k' }, validation: { split: 0 },
      model: { template: 'mlp', hidden: [2048, 2048, 2048, 2048] },
      params: { batchSize: 5000, epochs: 1 }, training: { checkpoints: 'none' },
    });
    const run = startCli(data.dir, 'run', spec, '--backend', 'cpu', '--concurrency', '1');
    await waitFor('the run to start', () => runs().some((r) => r.status === 'running'));
    // Inside the first step once the process has computed for seconds since (its cancel check comes before
    // the step): CPU time, not wall time, so a loaded machine does not fool the test.
    const startedAt = cpuSeconds(run.child.pid!);
    await waitFor('seconds of computing in the first step', () => cpuSeconds(run.child.pid!) - startedAt >= 3, 120_000);
    const pressed = Date.now();
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill('SIGINT');
    const exit = await run.exited;
    const waited = Date.now() - pressed;
    expect(exit, run.stderr()).toEqual({ code: 130, signal: null });
    expect(run.stderr()).toMatch(/quitting now: trials still training are marked cancelled/);
    expect(waited).toBeGreaterThanOrEqual(4500); // it did wait for the flush timeout first
    expect(runs()).toEqual([expect.objectContaining({ status: 'cancelled', error: null, end_reason: FORCED_EXIT_REASON })]);
    expect(query<{ status: string }>(data.dir, 'SELECT status FROM experiments')).toEqual([{ status: 'interrupted' }]);
    expect(existsSync(lockFile(data.dir))).toBe(false);
  });

  it.skipIf(!existsSync(resolve('out/renderer/index.html')))('serve: Ctrl-C cancels what it trains, exits 130 and leaves no lock', { timeout: 180_000 }, async () => {
    const serve = startCli(data.dir, 'serve', '--port', '0', '--backend', 'cpu', '--concurrency', '1');
    await waitFor('the URL', () => /serving at http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(serve.stdout()));
    const url = new URL(/serving at (\S+)/.exec(serve.stdout())![1]);
    const token = url.searchParams.get('token')!;
    const created = await rawRequest(Number(url.port), {
      method: 'POST', path: '/api/createExperiment', body: JSON.stringify({ spec: moonsSpec({ batchSize: 4, epochs: 200, seed: [1, 2] }) }),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    });
    expect(created.status, created.body).toBe(200);
    await waitFor('a run to train', () => runs().some((r) => r.status === 'running' && r.steps_done > 0));
    serve.child.kill('SIGINT');
    expect(await serve.exited, serve.stderr()).toEqual({ code: 130, signal: null });
    expect(runs().map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(existsSync(lockFile(data.dir))).toBe(false);
    expect(serve.stderr()).not.toMatch(/^error:/m);
  });
});
