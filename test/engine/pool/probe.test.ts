import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../../src-main/contract';
import { probeBackendsInWorker } from '../../../src-main/engine/pool/probe';
import { CLI_SCRIPT, WORKER_SCRIPT } from '../../services/harness';

describe('probeBackendsInWorker', () => {
  it('reports every backend in auto order from a worker thread', async () => {
    const probes = await probeBackendsInWorker(WORKER_SCRIPT);
    expect(probes.map((p) => p.name)).toEqual([...BACKEND_NAMES]);
    expect(probes.find((p) => p.name === 'wasm')).toMatchObject({ available: true });
  });

  it('keeps tfjs and native backends out of the main thread: the CLI bundle requires none of them', () => {
    expect(readFileSync(CLI_SCRIPT, 'utf8')).not.toMatch(/require\("@tensorflow/);
    expect(readFileSync(WORKER_SCRIPT, 'utf8')).toMatch(/require\("@tensorflow\/tfjs"\)/);
  });
});
