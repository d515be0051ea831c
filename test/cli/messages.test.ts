// What the CLI says (issue 10 item 10): run warns as preview does (one warning source), a single-trial summary
// names no empty parameter list, and the read-only database message suggests only what exists.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_SCRIPT, moonsSpec, tempDataDir } from '../services/harness';
import { writeSpec } from './cli-harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', data.dir, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('CLI messages', () => {
  it('run prints the batch-size warning that preview prints, and a single trial reads cleanly', { timeout: 180_000 }, () => {
    const spec = writeSpec(data.dir, moonsSpec({ batchSize: 1000, epochs: 1 }, { training: { checkpoints: 'none' } }));
    const preview = cli('preview', spec);
    const warning = /warning: batch size 1000 is larger than the 328 training samples: full-batch training, 1 iteration per epoch/;
    expect(preview.stdout).toMatch(warning);
    const run = cli('run', spec, '--backend', 'cpu');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(warning);
    expect(run.stderr).toMatch(/\[1\/1\] run 1: completed/);
    // One visible id (run · trial · experiment), and no empty parameter list when nothing varies.
    expect(run.stdout).toMatch(/lowest validation loss: run 1 · trial 1 of experiment 1 — [\d.]+ at epoch 1, after 1 iterations and 328 samples/);
    expect(run.stdout).not.toMatch(/\(\)/);
  });

  it('a read-only database: training is refused with what can still be done, and reading works', { timeout: 180_000 }, () => {
    const spec = writeSpec(data.dir, moonsSpec({ epochs: 1 }, { training: { checkpoints: 'none' } }));
    expect(cli('run', spec, '--backend', 'cpu').status).toBe(0);
    chmodSync(join(data.dir, 'epochlab.sqlite'), 0o444);
    const refused = cli('run', spec, '--backend', 'cpu');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is read-only; Epochlab needs to write to it to train\. Make it writable; until then, reading it \(listing, showing and exporting experiments\) still works\./);
    for (const args of [['ls'], ['show', '1'], ['export', '1', '--format', 'csv']]) {
      const r = cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });
});
