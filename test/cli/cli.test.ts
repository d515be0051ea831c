// The real `epochlab` command (bundled), run as a user would: exit codes, output, and recovery after kill -9.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_SCRIPT, moonsSpec, openServices, tempDataDir } from '../services/harness';
import { cliIn, specFileIn, waitForCount } from './helpers';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

const cli = cliIn(() => data.dir);
const specFile = (spec: unknown) => specFileIn(data.dir, spec);

describe('epochlab CLI', () => {
  it('run --json trains the grid and prints every trial with its iteration accounting', () => {
    const result = cli('run', specFile(moonsSpec({ batchSize: [64, 100], epochs: 2 })), '--json', '--backend', 'cpu', '--concurrency', '2');
    expect(result.status, result.stderr).toBe(0);
    const detail = JSON.parse(result.stdout) as { runs: Array<{ status: string; accounting: { iterationsPerEpoch: number; lastBatchSize: number } }> };
    expect(detail.runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(detail.runs.map((r) => [r.accounting.iterationsPerEpoch, r.accounting.lastBatchSize])).toEqual([[6, 8], [4, 28]]);
  });

  it('run prints a table and the best run in words', () => {
    const result = cli('run', specFile(moonsSpec({ batchSize: [32, 328], epochs: 2 })), '--backend', 'cpu');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/it\/epoch/);
    expect(result.stdout).toMatch(/lowest validation loss: run (\d+) · trial \1 of experiment 1 \(bs=\d+\) — [\d.]+ at epoch \d, after \d+ iterations and \d+ samples/);
    const ls = cli('ls');
    expect(ls.stdout).toMatch(/test grid/);
    const show = cli('show', '1');
    expect(show.status).toBe(0);
    expect(show.stdout).toMatch(/N = 328, B = 32 → 11 per epoch \(last batch 8\), 2 epochs → 22 total/);
    const csv = cli('export', '1', '--format', 'csv');
    const [header, first] = csv.stdout.split('\n');
    expect(header).toMatch(/^experimentId,experimentTags,runId,trial,status,learningRate,batchSize,epochs,optimizer,schedule,weightDecay,seed,iterationsPerEpoch/);
    // One learningRate column (the hyperparameter); the schedule's rate at each epoch has its own name.
    expect(header.split(',').filter((c) => c === 'learningRate')).toHaveLength(1);
    expect(header.split(',')).toContain('epochLearningRate');
    // Trials are numbered from 1, as in the UI.
    expect(first.split(',').slice(2, 4)).toEqual(['1', '1']);
    expect(csv.stdout.trim().split('\n')).toHaveLength(1 + 2 * 2);
  });

  it('exits 2 with one line per field for an invalid spec, and 2 for a missing or malformed file', () => {
    const bad = cli('preview', specFile(moonsSpec({ learningRate: 0, batchSize: 2.5 })));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/params\.learningRate: learning rate must be greater than 0/);
    expect(bad.stderr).toMatch(/params\.batchSize: batch size must be a whole number/);
    expect(cli('run', join(data.dir, 'nope.json')).status).toBe(2);
    const malformed = join(data.dir, 'bad.json');
    writeFileSync(malformed, '{ "name": ');
    const r = cli('preview', malformed);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(cli('show', 'abc').status).toBe(2);
    expect(cli('export', '1').status).toBe(2); // --format is required
  });

  it('report writes one offline HTML file with an SVG per chart, escapes names, and refuses bad settings with 2', () => {
    const xss = '<img src=x onerror=alert(1)>';
    const trained = cli('run', specFile({ ...moonsSpec({ batchSize: [32, 100], learningRate: [0.01, 0.05], seed: [1, 2], epochs: 2 }), name: xss }), '--backend', 'cpu', '--concurrency', '2');
    expect(trained.status, trained.stderr).toBe(0);
    const out = join(data.dir, 'report.html');
    const report = cli('report', '1', '--out', out, '--group', 'batchSize', '--lines', 'best', '--x', 'samples');
    expect(report.status, report.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain(xss);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<link\b|(src|href)=["']?https?:/i);
    const sections = [...html.matchAll(/<section class="chart" data-chart="(\w+)">([\s\S]*?)<\/section>/g)];
    expect(sections.map((m) => [m[1], (m[2].match(/<svg\b/g) ?? []).length])).toEqual([['curves', 1], ['iterations', 1], ['gap', 1], ['heatmap', 1], ['parallel', 1]]);
    expect(html).toMatch(/Lowest validation loss: <b>bs=\d+ · best: lr=[\d.]+ \(mean of 2 seeds\)<\/b>/);
    // Without --out the page goes to standard output; --runs may name runs of any experiment.
    const stdout = cli('report', '1', '--runs', '2,1', '--panels', 'curves');
    expect(stdout.status, stdout.stderr).toBe(0);
    expect(stdout.stdout.startsWith('<!doctype html>')).toBe(true);
    expect((stdout.stdout.match(/<svg\b/g) ?? []).length).toBe(1);
    const bad = cli('report', '1', '--group', 'colour', '--smoothing', '2', '--out', out);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--group: group must be run, config or a hyperparameter/);
    expect(bad.stderr).toMatch(/--smoothing: smooth must be a number from 0 to 0.99/);
    expect(cli('report', '1', '--runs', '1,999').stderr).toMatch(/--runs: there is no run 999/);
    expect(cli('report', '1', '--runs', '1,999').status).toBe(2);
    expect(cli('report', '7').status).toBe(1);
    expect(cli('report', '1', '--out', join(data.dir, 'no', 'such', 'folder', 'r.html')).status).toBe(2);
  }, 240_000);
  it('tag and note edit runs and experiments after launch, shown by show, ls and export; bad input exits 2', () => {
    expect(cli('run', specFile(moonsSpec({ batchSize: [64, 100], epochs: 1 })), '--backend', 'cpu').status).toBe(0);
    const tagged = cli('tag', '2', 'baseline', 'LR-0.01', '--json');
    expect(tagged.status, tagged.stderr).toBe(0);
    expect(JSON.parse(tagged.stdout)).toEqual({ tags: ['baseline', 'lr-0.01'] });
    expect(cli('tag', '2', '--remove', 'baseline').stdout.trim()).toBe('run 2: #lr-0.01');
    expect(cli('tag', '1', 'sweep', '--experiment').stdout.trim()).toBe('experiment 1: #sweep');
    expect(cli('note', '2', 'first line').status).toBe(0);
    expect(cli('note', '2', '--append', 'second <b>line</b>').status).toBe(0);
    expect(cli('note', '2').stdout).toBe('first line\nsecond <b>line</b>\n');
    // Terminal escape sequences are refused, with the field named.
    const escape = cli('note', '2', '\u001b[31mred');
    expect(escape.status).toBe(2);
    expect(escape.stderr).toMatch(/notes: notes cannot hold control characters/);
    const show = cli('show', '2').stdout;
    expect(show).toMatch(/^run 2 · trial 2 of experiment 1 — completed$/m);
    expect(show).toMatch(/^tags: #lr-0.01$/m);
    expect(cli('ls').stdout).toMatch(/#sweep/);
    const csv = cli('export', '1', '--format', 'csv').stdout.split('\n');
    const header = csv[0].split(',');
    const row2 = csv.find((l) => l.startsWith('1,sweep,2,'))!;
    expect(row2).toContain('lr-0.01');
    expect(header).toEqual(expect.arrayContaining(['runTags', 'runNotes', 'endReason', 'stopEpoch']));
    const bad = cli('tag', '2', 'two words');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/tag "two words": a tag is one word/);
    expect(cli('note', '2', 'x'.repeat(10_001)).status).toBe(2);
    expect(cli('note', '2', 'x', '--clear').status).toBe(2);
    expect(cli('tag', '99', 'x').status).toBe(1);
  });

  it('info reports every backend in auto order, with why the native ones are missing', () => {
    const result = cli('info', '--json');
    expect(result.status, result.stderr).toBe(0);
    const info = JSON.parse(result.stdout) as { backends: Array<{ name: string; available: boolean; reason?: string }> };
    expect(info.backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(info.backends.find((b) => b.name === 'wasm')?.available).toBe(true);
    for (const b of info.backends.filter((x) => !x.available)) expect(b.reason).toBeTruthy();
  });

  it('exits 1 for a missing run, and 0 with help on every command', () => {
    expect(cli('show', '42').status).toBe(1);
    for (const command of ['run', 'preview', 'ls', 'show', 'tag', 'note', 'export', 'report', 'datasets', 'resume', 'serve', 'info']) {
      const help = cli(command, '--help');
      expect(help.status, command).toBe(0);
      expect(help.stdout).toMatch(/^Usage: epochlab/);
    }
  });

  it('a run killed with SIGKILL is interrupted after restart, and resume trains it again with no duplicated rows', async () => {
    const spec = specFile(moonsSpec({ batchSize: 1, epochs: 100, seed: [1, 2] }));
    const child = spawn(process.execPath, [CLI_SCRIPT, '--data-dir', data.dir, 'run', spec, '--backend', 'cpu', '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Wait until the first run has written metrics, then kill the whole process without warning.
    await waitForCount(data.dir, 'SELECT COUNT(*) FROM iteration_metrics', 50, 60_000, 'the run never started');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const services = await openServices(data.dir, { concurrency: 1 });
    const before = await services.api.getExperiment({ experimentId: 1 });
    expect(before.status).toBe('interrupted');
    expect(before.runs.map((r) => r.status)).toEqual(['interrupted', 'queued']);
    expect(before.runs[0].endReason).toMatch(/process stopped/);
    expect(before.runs[0].error).toBeNull();
    expect(before.runs[0].stepsDone).toBeGreaterThan(50);
    await services.close();

    // Resume, and cancel once both runs have trained past where the first was killed, to keep the test fast.
    const resumed = await openServices(data.dir, { concurrency: 2 });
    const { queued } = await resumed.api.resumeExperiment({ experimentId: 1 });
    expect(queued).toBe(2);
    await new Promise<void>((resolve) => {
      const seen = new Set<number>();
      const off = resumed.subscribe((e) => {
        if (e.type === 'run-progress' && e.step > 60) seen.add(e.runId);
        if (seen.size === 2) {
          off();
          resolve();
        }
      });
    });
    await resumed.api.cancelExperiment({ experimentId: 1 });
    await resumed.runner.idle();
    const series = await resumed.api.getIterationSeries({ runIds: [1, 2], series: 'loss', maxPoints: 100_000 });
    for (const id of [1, 2]) {
      const steps = series[id].map((p) => p.step);
      expect(new Set(steps).size).toBe(steps.length);
      expect(steps[0]).toBe(1);
    }
    await resumed.close();
  });
});
