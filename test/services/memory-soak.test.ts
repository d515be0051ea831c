/**
 * Memory over a long grid (docs/reliability.md F7, H3): 50 trials through the real services, one after
 * the other, sampling after each trial ends. After a warm-up of 10 trials, the main process's JavaScript
 * heap (after a full GC) and resident size, and the training process's resident size, stay within ±10 % of
 * their level at the end of the warm-up. No clocks: only sizes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseApiInput, type Isolation } from '../../src-main/contract';
import { moonsSpec, openServices, tempDataDir } from './harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TRIALS = Number(process.env.EPOCHLAB_MEMORY_TRIALS ?? 50);
const WARM_UP = 10;

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

/** Resident size in bytes of a process, from /proc. */
function rssOf(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** This process's training processes. */
function trainerPids(): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((l) => l.includes('--epochlab-cancel-file')).map((l) => Number.parseInt(l.trim(), 10));
}

interface Sample {
  heap: number;
  rss: number;
  trainerRss: number | null;
}

async function soak(isolation: Isolation): Promise<Sample[]> {
  const services = await openServices(data.dir, { concurrency: 1, isolation, backend: 'wasm' });
  const samples: Sample[] = [];
  try {
    const done = new Promise<void>((resolve) => {
      services.subscribe((e) => {
        if (e.type !== 'run-status' || e.status === 'running') return;
        gc();
        const trainers = trainerPids();
        samples.push({
          heap: process.memoryUsage().heapUsed,
          rss: process.memoryUsage().rss,
          trainerRss: trainers.length === 1 ? rssOf(trainers[0]) : null,
        });
        if (samples.length === TRIALS) resolve();
      });
    });
    // 50 distinct trials (seeds), checkpoints on: every kind of write and message each time.
    const seeds = Array.from({ length: TRIALS }, (_, i) => i + 1);
    await services.api.createExperiment(parseApiInput('createExperiment', {
      spec: moonsSpec({ batchSize: 16, epochs: 2, seed: seeds }, { dataset: { id: 'moons', size: 300, noise: 0.2, seed: 1 } }),
    }));
    await done;
    await services.runner.idle();
    const { runs } = await services.api.getExperiment({ experimentId: 1 });
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
  } finally {
    await services.close();
  }
  return samples;
}

/** Every sample after the warm-up within ±10 % of the last warm-up sample. */
function expectFlat(values: number[], what: string): void {
  const base = values[WARM_UP - 1];
  const after = values.slice(WARM_UP);
  const worst = Math.max(...after.map((v) => Math.abs(v / base - 1)));
  console.log(what, (worst * 100).toFixed(1), "%", values.map((v) => (v / 2 ** 20).toFixed(0)).join(" "));
  expect(worst, `${what}: ${after.map((v) => (v / 2 ** 20).toFixed(1)).join(' ')} MB against ${(base / 2 ** 20).toFixed(1)}`).toBeLessThanOrEqual(0.1);
}

describe(`memory over a ${TRIALS}-trial grid`, () => {
  it('worker threads: the main heap and the process (with its worker) stay flat after warm-up', async () => {
    const samples = await soak('thread');
    expect(samples).toHaveLength(TRIALS);
    expectFlat(samples.map((s) => s.heap), 'main heap');
    expectFlat(samples.map((s) => s.rss), 'process RSS (main + worker thread)');
  }, 300_000);

  it('training processes: the main heap and the training process stay flat after warm-up', async () => {
    const samples = await soak('process');
    expect(samples.every((s) => s.trainerRss !== null)).toBe(true);
    expectFlat(samples.map((s) => s.heap), 'main heap');
    expectFlat(samples.map((s) => s.trainerRss!), 'training process RSS');
  }, 300_000);
});
