// `epochlab analysis`, run as a user would: text with the one-sentence explanations, --json, exit codes.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentAnalysis, RunAnalysis } from '../../src-main/contract';
import { CLI_SCRIPT, moonsSpec, tempDataDir } from '../services/harness';

let data: ReturnType<typeof tempDataDir>;
beforeAll(() => {
  data = tempDataDir();
  const spec = moonsSpec(
    { batchSize: [16, 64], epochs: 2, learningRate: 0.02, seed: [1, 2] },
    { analysis: { noiseScale: { everySteps: 2 }, sharpness: { subset: 100, iterations: 4, ascentSteps: 2 } } },
  );
  const path = join(data.dir, 'spec.json');
  writeFileSync(path, JSON.stringify(spec));
  const run = cli('run', path, '--json', '--backend', 'cpu', '--concurrency', '2');
  if (run.status !== 0) throw new Error(run.stderr);
});
afterAll(() => data.cleanup());

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', data.dir, ...args], { encoding: 'utf8', timeout: 180_000 });
}

describe('epochlab analysis', () => {
  it('prints a run\'s noise scale per epoch and its sharpness, each with its sentence', () => {
    const out = cli('analysis', '1');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/run 1 — noise scale every 2 steps \(EMA 0\.95\); sharpness on 100 rows/);
    expect(out.stdout).toMatch(/B_simple = tr\(Σ\)\/\|G\|², the gradient noise scale \(McCandlish et al\. 2018\)/);
    expect(out.stdout).toMatch(/Top Hessian eigenvalue: the curvature/);
    expect(out.stdout).toMatch(/│ best/);
    expect(out.stdout).toMatch(/│ last/);
    const json = JSON.parse(cli('analysis', '1', '--json').stdout) as RunAnalysis;
    expect(json.noiseScale.map((r) => r.epoch)).toEqual([1, 2]);
    expect(json.sharpness).toHaveLength(2);
    // The cost line carries the services' median, in the text's percent format.
    const cost = json.noiseScaleOverhead === null ? /cost: not known/ : new RegExp(`cost in this run: ${(100 * json.noiseScaleOverhead).toFixed(1)} % of step time`);
    expect(out.stdout).toMatch(cost);
  });

  it('across the experiment: critical batch size, sharpness vs batch size, seed statistics, the scaling hint', () => {
    const out = cli('analysis', '1', '--experiment');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/B_crit ≈ [\d.e+]+: batch sizes well below it waste steps less than compute; well above it waste compute\./);
    expect(out.stdout).toMatch(/Over seeds, batchSize \d+ \(mean best validation loss/);
    expect(out.stdout).toMatch(/scales as LR ∝ √B/);
    const json = JSON.parse(cli('analysis', '1', '--experiment', '--json', '--group-by', 'batchSize', '--runs', '1,2,3').stdout) as ExperimentAnalysis;
    expect(json.runIds).toEqual([1, 2, 3]);
    expect(json.seedStatistics!.groupBy).toBe('batchSize');
  });

  it('exits 2 for bad input and 1 for an unknown run', () => {
    expect(cli('analysis', 'x').status).toBe(2);
    expect(cli('analysis', '1', '--experiment', '--group-by', 'colour').status).toBe(2);
    const badRuns = cli('analysis', '1', '--experiment', '--runs', '1,zz');
    expect(badRuns.status).toBe(2);
    expect(badRuns.stderr).toMatch(/--runs must be comma-separated ids like 1,2,3/);
    // Experiment options on a run would be ignored: refused instead.
    const misplaced = cli('analysis', '1', '--runs', '1', '--group-by', 'seed');
    expect(misplaced.status).toBe(2);
    expect(misplaced.stderr).toMatch(/--group-by and --runs only apply with --experiment/);
    const foreign = cli('analysis', '1', '--experiment', '--runs', '99');
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toMatch(/not in experiment 1/);
    const missing = cli('analysis', '42');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/there is no run 42/);
  });
});
