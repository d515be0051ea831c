import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../../src-main/contract';
import { probeBackendsIn } from '../../../src-main/engine/pool/probe';
import { processTrainers } from '../../../src-main/engine/pool/process-trainer';
import { threadTrainers } from '../../../src-main/engine/pool/thread-trainer';
import { CLI_SCRIPT, WORKER_SCRIPT } from '../../services/harness';

describe('probeBackendsIn', () => {
  it.each([
    ['a worker thread', threadTrainers(WORKER_SCRIPT)],
    ['a training process', processTrainers(WORKER_SCRIPT)],
  ])('reports every backend in auto order from %s', async (_where, kind) => {
    try {
      const probes = await probeBackendsIn(kind);
      expect(probes.map((p) => p.name)).toEqual([...BACKEND_NAMES]);
      expect(probes.find((p) => p.name === 'wasm')).toMatchObject({ available: true });
    } finally {
      kind.dispose();
    }
  });

  it('keeps tfjs and native backends out of the main thread: the CLI bundle requires none of them', () => {
    expect(readFileSync(CLI_SCRIPT, 'utf8')).not.toMatch(/require\("@tensorflow/);
    expect(readFileSync(WORKER_SCRIPT, 'utf8')).toMatch(/require\("@tensorflow\/tfjs"\)/);
  });
});
