// Read-only commands never take the training lock and work on a full disk (docs/reliability.md D7); runs that
// failed because the disk filled up are resumed once space is back (D3). All through the real bundled CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smallDisk } from '../tmpfs';
import { CLI_SCRIPT, moonsSpec, tempDataDir } from '../services/harness';
import { lockFile, query, startCli, waitFor, writeSpec } from './cli-harness';

function cli(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 120_000 });
}
const tiny = (name = 'tiny') => moonsSpec({ epochs: 1, batchSize: 64 }, { name, training: { checkpoints: 'none' } });

describe('readers and the training lock', () => {
  let data: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    data = tempDataDir();
  });
  afterEach(() => data.cleanup());

  it('ls in a loop never makes run wait or fail', async () => {
    const spec = writeSpec(data.dir, tiny());
    expect(cli(data.dir, 'run', spec, '--backend', 'cpu').status).toBe(0);
    let stop = false;
    const lsResults: number[] = [];
    const loop = async () => {
      while (!stop) {
        const ls = startCli(data.dir, 'ls');
        const { code } = await ls.exited;
        lsResults.push(code ?? -1);
      }
    };
    const loops = [loop(), loop()];
    const runs: Array<{ code: number | null; stderr: string }> = [];
    for (let i = 0; i < 3; i++) {
      const run = startCli(data.dir, 'run', spec, '--backend', 'cpu');
      const { code } = await run.exited;
      runs.push({ code, stderr: run.stderr() });
    }
    stop = true;
    await Promise.all(loops);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/another Epochlab process/);
    }
    expect(lsResults.length).toBeGreaterThanOrEqual(3);
    expect(lsResults.every((code) => code === 0)).toBe(true);
    expect(query<{ n: number }>(data.dir, 'SELECT COUNT(*) AS n FROM experiments')).toEqual([{ n: 4 }]);
  }, 240_000);

  it('a reader leaves the data folder as it found it, and reads while another process owns the lock', { timeout: 180_000 }, () => {
    const empty = join(data.dir, 'empty');
    const ls = cli(empty, 'ls');
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/no experiments yet/);
    expect(existsSync(empty)).toBe(false); // no folder, no database, no lock created

    const spec = writeSpec(data.dir, tiny());
    expect(cli(data.dir, 'run', spec, '--backend', 'cpu').status).toBe(0);
    writeFileSync(lockFile(data.dir), String(process.pid)); // a live process "trains" here
    const before = readdirSync(data.dir).sort();
    for (const args of [['ls'], ['show', '1'], ['show', '1', '--experiment'], ['export', '1', '--format', 'json'], ['preview', spec], ['datasets']]) {
      const r = cli(data.dir, ...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    // Nothing written but caches of built-in datasets (`datasets` lists MNIST, whose digits it converts once).
    const written = (names: string[]) => names.filter((f) => !f.startsWith('epochlab.sqlite-') && f !== 'cache').sort();
    expect(written(readdirSync(data.dir))).toEqual(written(before));
    const refused = cli(data.dir, 'run', spec, '--backend', 'cpu');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`another Epochlab process \\(pid ${process.pid}\\) is training`));
    rmSync(lockFile(data.dir));
  });
});

const disk = smallDisk('8m');

describe.skipIf(!disk.mounted)('a full disk (tmpfs)', () => {
  const mountPoint = disk.path;
  const dataDir = join(mountPoint, 'data');
  const { fill, free } = disk;
  beforeAll(() => rmSync(dataDir, { recursive: true, force: true }));
  afterEach(free);

  it('still lists, shows, exports and previews; refuses to train with the reason; trains again once space frees', { timeout: 180_000 }, () => {
    const spec = writeSpec(mountPoint, tiny('before the disk filled'));
    expect(cli(dataDir, 'run', spec, '--backend', 'cpu').status).toBe(0);
    fill();
    expect(spawnSync('df', ['--output=avail', mountPoint], { encoding: 'utf8' }).stdout).toMatch(/\s0\s*$/);
    const ls = cli(dataDir, 'ls');
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/before the disk filled/);
    const show = cli(dataDir, 'show', '1');
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/completed/);
    const csv = cli(dataDir, 'export', '1', '--format', 'csv');
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(2);
    for (const args of [['preview', spec], ['datasets'], ['show', '1', '--experiment']]) {
      const r = cli(dataDir, ...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const run = cli(dataDir, 'run', spec, '--backend', 'cpu');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot train in .*: the disk is full/);
    free();
    expect(cli(dataDir, 'run', spec, '--backend', 'cpu').status).toBe(0);
  });

  it('runs stopped by the disk filling up during training are resumed once space is back', { timeout: 240_000 }, async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const spec = writeSpec(mountPoint, moonsSpec({ batchSize: 4, epochs: 30, seed: [1, 2] }, { model: { template: 'mlp', hidden: [64, 64] } }));
    const run = startCli(dataDir, 'run', spec, '--backend', 'cpu', '--concurrency', '2');
    await waitFor('an epoch of each run', () => (query<{ n: number }>(dataDir, 'SELECT COUNT(DISTINCT run_id) AS n FROM epoch_metrics')?.[0]?.n ?? 0) === 2);
    fill();
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(1);
    expect(run.stderr()).toMatch(/the disk is full \(.*\); free some space, then resume the experiment/);
    const shown = cli(dataDir, 'show', '1', '--experiment', '--json');
    expect(shown.status, shown.stderr).toBe(0);
    // Failed for the disk, or (when not even that could be written) interrupted: never `running`.
    const shownRuns = (JSON.parse(shown.stdout) as { runs: Array<{ status: string }> }).runs;
    expect(run.stdout()).not.toMatch(/running/);
    for (const r of shownRuns) expect(['failed', 'interrupted']).toContain(r.status);
    free();
    const resumed = cli(dataDir, 'resume', '1');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/2 run\(s\) to train/);
    const runs = query<{ status: string; steps_done: number }>(dataDir, 'SELECT status, steps_done FROM runs ORDER BY id');
    expect(runs?.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(runs?.map((r) => r.steps_done)).toEqual([30 * 82, 30 * 82]); // 328 training rows, batches of 4
    const steps = query<{ n: number; max: number }>(dataDir, 'SELECT COUNT(*) AS n, MAX(step) AS max FROM iteration_metrics GROUP BY run_id');
    expect(steps).toEqual([{ n: 30 * 82, max: 30 * 82 }, { n: 30 * 82, max: 30 * 82 }]); // no gap, no duplicate
  });
});
