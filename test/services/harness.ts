import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseApiInput, type ExperimentSpecInput } from '../../src-main/contract';
import { createServices, type ServiceOptions, type Services } from '../../src-main/services/create-services';

export const WORKER_SCRIPT = resolve('out/node/worker.js');
export const CLI_SCRIPT = resolve('out/node/cli.js');

export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'epochlab-svc-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openServices(dataDir: string, extra: Partial<ServiceOptions> = {}) {
  return createServices({ dataDir, workerScript: WORKER_SCRIPT, concurrency: 2, backend: 'cpu', flushIntervalMs: 50, ...extra });
}

/** A small, fast spec: 2-D moons, a tiny MLP. */
export function moonsSpec(params: ExperimentSpecInput['params'], extra: Partial<ExperimentSpecInput> = {}): ExperimentSpecInput {
  return {
    name: 'test grid',
    dataset: { id: 'moons', size: 410, noise: 0.2, seed: 1 },
    validation: { split: 0.2, seed: 0 },
    model: { template: 'mlp', hidden: [16] },
    params,
    ...extra,
  };
}

/** Calls an API method with unvalidated input, as a front door would pass on what it received. */
export function rawCall(services: { api: object }, method: string, input: unknown): Promise<unknown> {
  return (services.api as Record<string, (i: unknown) => Promise<unknown>>)[method](input);
}

/**
 * Creates an experiment from `spec`, waits until one of its runs has finished `epoch` epochs, cancels it and
 * waits for every run to end: a cancelled run with a resume point, ready to be resumed.
 */
export async function cancelledAfterEpoch(services: Services, spec: ExperimentSpecInput, epoch: number): Promise<number> {
  const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec }));
  await new Promise<void>((resolve) => {
    const off = services.subscribe((e) => {
      if (e.type === 'run-epoch' && e.metric.epoch >= epoch) {
        off();
        resolve();
      }
    });
  });
  await services.api.cancelExperiment({ experimentId: experiment.id });
  await services.runner.idle();
  return experiment.id;
}
