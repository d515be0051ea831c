/**
 * The real `epochlab run` with a trainer that really crashes (test-only EPOCHLAB_TEST_CRASH): with
 * --isolation process the crash fails only its trial; in a worker thread the same native crash takes the
 * whole command down — which is why native backends train in processes (docs/reliability.md F5).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CRASH_ENV } from '../../src-main/engine/worker/test-crash';
import { CLI_SCRIPT, moonsSpec, tempDataDir } from '../services/harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

function run(isolation: string, crash: string) {
  const spec = join(data.dir, 'spec.json');
  writeFileSync(spec, JSON.stringify(moonsSpec({ learningRate: [0.01, 0.02, 0.03], batchSize: 8, epochs: 3 })));
  return spawnSync(process.execPath, [CLI_SCRIPT, '--data-dir', data.dir, 'run', spec, '--json', '--backend', 'wasm', '--concurrency', '1', '--isolation', isolation], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, [TEST_CRASH_ENV]: crash },
  });
}

describe('epochlab run --isolation', () => {
  it('process: a SIGSEGV fails only its trial, with the reason; the others complete; exit 1', () => {
    const result = run('process', '2:segv');
    expect(result.status, result.stderr).toBe(1);
    const detail = JSON.parse(result.stdout) as { runs: Array<{ id: number; status: string; error: string | null; stepsDone: number }> };
    expect(detail.runs.map((r) => r.status)).toEqual(['completed', 'failed', 'completed']);
    expect(detail.runs[1].error).toMatch(/^the training process was ended by SIGSEGV: a memory fault in native code/);
    expect(detail.runs[1].stepsDone).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/some trials failed/);
  });

  it('thread: the same crash in a worker thread kills the whole command (measured, not assumed)', () => {
    const result = run('thread', '2:segv');
    expect(result.signal).toBe('SIGSEGV');
    expect(result.stdout).toBe('');
  });
});
