// The app's training processes: the real pool and worker bundle through the utilityProcess adapter
// (Electron emulated by test/app/fake-utility-process.ts): a crash fails only its trial (docs/reliability.md F5).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { TrainJob } from '../../src-main/contract';
import { launchUtilityProcess, signalOfUtilityExit } from '../../src-main/app/utility-process';
import { TrainingPool } from '../../src-main/engine/pool/pool';
import { expandTrials, parseSpec } from '../../src-main/engine/search';
import { TEST_CRASH_ENV } from '../../src-main/engine/worker/test-crash';
import { WORKER_SCRIPT } from '../services/harness';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

const dataDir = mkdtempSync(join(tmpdir(), 'epochlab-utility-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function job(runId: number, epochs: number): TrainJob {
  const spec = parseSpec({ name: 't', dataset: { id: 'moons', size: 300 }, model: { template: 'mlp', hidden: [8] }, params: { batchSize: 4, epochs }, training: { checkpoints: 'none' } });
  return {
    runId, backend: 'wasm', dataDir, checkpointDir: `checkpoints/run-${runId}`, flushIntervalMs: 0, resume: false,
    config: { params: expandTrials(spec)[0], model: spec.model, dataset: spec.dataset, validation: spec.validation, training: spec.training },
  };
}

describe('utility-process trainers', () => {
  it('train, cancel between batches, and a SIGSEGV fails only its trial', async () => {
    const pool = new TrainingPool({
      workerScript: WORKER_SCRIPT, concurrency: 1, isolation: 'process',
      processes: { launch: launchUtilityProcess, env: { ...process.env, [TEST_CRASH_ENV]: '2:segv' }, forwardOutput: () => undefined },
    });
    try {
      let rows = 0;
      const cancelled = pool.submit(job(1, 50), (m) => {
        if (m.type !== 'iterations') return;
        if (rows === 0) pool.cancel(1);
        rows += m.rows.length;
      });
      const ends = await Promise.all([cancelled, pool.submit(job(2, 5), () => undefined), pool.submit(job(3, 1), () => undefined)]);
      expect(ends.map((e) => e.status)).toEqual(['cancelled', 'failed', 'completed']);
      expect(rows).toBeLessThan(50 * 60);
      expect(ends[1].reason).toMatch(/^the training process was ended by SIGSEGV: a memory fault in native code/);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('reads back only the signals a training process never uses as its exit code', () => {
    expect([4, 6, 8, 9, 11].map(signalOfUtilityExit)).toEqual(['SIGILL', 'SIGABRT', 'SIGFPE', 'SIGKILL', 'SIGSEGV']);
    expect([0, 1, 3, 7, 137].map(signalOfUtilityExit)).toEqual([null, null, null, null, null]);
  });
});
