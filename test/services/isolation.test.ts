// The services with process isolation: what the CLI, serve and the app get (docs/reliability.md F5).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseApiInput } from '../../src-main/contract';
import { TEST_CRASH_ENV } from '../../src-main/engine/worker/test-crash';
import { defaultIsolation } from '../../src-main/services/system';
import { moonsSpec, openServices, tempDataDir } from './harness';

let data: ReturnType<typeof tempDataDir>;
beforeEach(() => {
  data = tempDataDir();
});
afterEach(() => data.cleanup());

describe('services with process isolation', () => {
  it('trains a grid in processes; a crashed trial fails with its reason, the rest complete; cancel still reaches a running trial', async () => {
    const services = await openServices(data.dir, {
      isolation: 'process', concurrency: 2, backend: 'wasm',
      trainers: { processes: { env: { ...process.env, [TEST_CRASH_ENV]: '2:abort' }, forwardOutput: () => undefined } },
    });
    try {
      expect((await services.api.getSystemInfo({})).isolation).toBe('process');
      const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ learningRate: [0.01, 0.02, 0.03, 0.04], batchSize: 16, epochs: 3 }) }));
      await services.runner.idle();
      const { runs } = await services.api.getExperiment({ experimentId: experiment.id });
      expect(runs.map((r) => r.status)).toEqual(['completed', 'failed', 'completed', 'completed']);
      expect(runs[1].error).toMatch(/^the training process was ended by SIGABRT/);

      const long = await services.api.createExperiment(parseApiInput('createExperiment', { spec: moonsSpec({ batchSize: 1, epochs: 100 }) }));
      await new Promise<void>((resolve) => {
        const off = services.subscribe((e) => {
          if (e.type === 'run-progress' && e.step > 10) {
            off();
            resolve();
          }
        });
      });
      await services.api.cancelExperiment({ experimentId: long.id });
      await services.runner.idle();
      const [cancelled] = (await services.api.getExperiment({ experimentId: long.id })).runs;
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.stepsDone).toBeLessThan(cancelled.accounting.iterationsPerEpoch * 100);
    } finally {
      await services.close();
    }
  }, 120_000);

  it('defaults to processes for the TensorFlow backends and to threads for the embedded ones', () => {
    expect(defaultIsolation('tensorflow')).toBe('process');
    expect(defaultIsolation('tensorflow-gpu')).toBe('process');
    expect(defaultIsolation('wasm')).toBe('thread');
    expect(defaultIsolation('cpu')).toBe('thread');
  });
});
