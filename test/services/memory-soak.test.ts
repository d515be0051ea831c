/**
 * Memory over a long grid (docs/reliability.md F7, H3): trials through the real services, one after
 * the other, sampling as each trial ends. After a warm-up of 10 trials, the main process's JavaScript heap
 * (after a full GC), the trainer's heap (after a GC) and backend memory, and a training process's resident
 * size stay within ±10 % of their level at the end of the warm-up. No clocks: only sizes.
 * EPOCHLAB_MEMORY_TRIALS sets the grid's size: 20 by default (10 compared with the warm-up) keeps `npm
 * test` short on two cores; the 50 (about 45 s per isolation on a loaded machine) and more on request.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseApiInput, type Isolation, type TrainerMemory } from '../../src-main/contract';
import { TrainingPool } from '../../src-main/engine/pool/pool';
import type { TrialRunner } from '../../src-main/engine/pool/trial-runner';
import { moonsSpec, openServices, tempDataDir, WORKER_SCRIPT } from './harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TRIALS = Number(process.env.EPOCHLAB_MEMORY_TRIALS ?? 20);
const WARM_UP = 10;
if (!(TRIALS > WARM_UP)) throw new Error(`EPOCHLAB_MEMORY_TRIALS must be more than the ${WARM_UP} warm-up trials`);

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

interface Sample {
  mainHeap: number;
  mainRss: number;
  trainer: TrainerMemory;
}

/** Passes trials to a pool and samples memory as each ends: this process's, and what its trainer reports. */
function sampling(pool: TrialRunner, samples: Sample[]): TrialRunner {
  return {
    concurrency: pool.concurrency,
    submit: (job, onMessage) =>
      pool.submit(job, (message) => {
        onMessage(message);
        if (message.type !== 'finished' || !message.memory) return;
        gc();
        samples.push({ mainHeap: process.memoryUsage().heapUsed, mainRss: process.memoryUsage().rss, trainer: message.memory });
      }),
    cancel: (runId) => pool.cancel(runId),
    runningRunIds: () => pool.runningRunIds(),
    queuedRunIds: () => pool.queuedRunIds(),
    close: (graceMs) => pool.close(graceMs),
  };
}

async function soak(isolation: Isolation): Promise<Sample[]> {
  const samples: Sample[] = [];
  // --expose-gc lets a training process collect before it reports; worker threads inherit the flag set above.
  const pool = new TrainingPool({ workerScript: WORKER_SCRIPT, concurrency: 1, isolation, processes: { execArgv: ['--expose-gc'] } });
  const services = await openServices(data.dir, { backend: 'wasm', trialRunner: sampling(pool, samples) });
  try {
    // Distinct trials (seeds), checkpoints on: every kind of write and message each time.
    const seeds = Array.from({ length: TRIALS }, (_, i) => i + 1);
    await services.api.createExperiment(parseApiInput('createExperiment', {
      spec: moonsSpec({ batchSize: 16, epochs: 2, seed: seeds }, { dataset: { id: 'moons', size: 300, noise: 0.2, seed: 1 } }),
    }));
    await services.runner.idle();
    const { runs } = await services.api.getExperiment({ experimentId: 1 });
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
  } finally {
    await services.close();
  }
  expect(samples).toHaveLength(TRIALS);
  return samples;
}

/** Every sample after the warm-up within ±10 % of the last warm-up sample. */
function expectFlat(values: number[], what: string): void {
  const base = values[WARM_UP - 1];
  const after = values.slice(WARM_UP);
  const worst = Math.max(...after.map((v) => Math.abs(v / base - 1)));
  const series = values.map((v) => (v / 2 ** 20).toFixed(1)).join(' ');
  console.log(`${what}: at most ${(worst * 100).toFixed(1)} % from ${(base / 2 ** 20).toFixed(1)} MB after warm-up`);
  expect(worst, `${what} (MB): ${series}`).toBeLessThanOrEqual(0.1);
}

describe(`memory over a ${TRIALS}-trial grid`, () => {
  it.each(['thread', 'process'] as const)('%s trainers: heaps, backend and resident sizes stay flat after warm-up', async (isolation) => {
    const samples = await soak(isolation);
    expectFlat(samples.map((s) => s.mainHeap), 'main heap');
    expectFlat(samples.map((s) => s.trainer.heapUsed), `${isolation} trainer heap`);
    expectFlat(samples.map((s) => s.trainer.backendBytes), `${isolation} trainer backend`);
    // Resident sizes: this process (with its worker threads, in thread mode), and a training process's own.
    expectFlat(samples.map((s) => s.mainRss), isolation === 'thread' ? 'main process RSS (with its worker thread)' : 'main process RSS');
    if (isolation === 'process') expectFlat(samples.map((s) => s.trainer.rss), 'training process RSS');
  }, 300_000);
});
