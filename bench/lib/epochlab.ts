/**
 * Running real Epochlab trials from the bench: the services (worker threads, SQLite, events) on a temporary
 * data folder, and the same trial as a bare training loop in this thread, for the overhead comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseApiInput, type BackendChoice, type ExperimentSpecInput, type RunStatus } from '../../src-main/contract';
import { createServices, type ServiceOptions } from '../../src-main/services/create-services';

export const WORKER_SCRIPT = resolve('out/node/worker.js');

/** The reference MLP (784-128-10, Adam) on mnist-10k; 8000 training rows after the 20 % split. */
export function referenceSpec(params: ExperimentSpecInput['params']): ExperimentSpecInput {
  return {
    name: 'bench',
    dataset: { id: 'mnist-10k' },
    validation: { split: 0.2, seed: 0 },
    model: { template: 'mlp', hidden: [128], activation: 'relu' },
    params: { optimizer: 'adam', learningRate: 0.001, ...params },
    training: { checkpoints: 'best-and-last' },
  };
}

export interface TrialTiming {
  runId: number;
  status: RunStatus;
  /** From the run's `running` event (after its dataset is loaded) to its end: training, evaluation, checkpoints. */
  seconds: number;
  samples: number;
}

export interface GridTiming {
  wallSeconds: number;
  trials: TrialTiming[];
}

export type BenchServices = Awaited<ReturnType<typeof createServices>>;

export function openBenchServices(dataDir: string, concurrency: number, backend: BackendChoice, extra: Partial<ServiceOptions> = {}): Promise<BenchServices> {
  return createServices({ dataDir, concurrency, backend, workerScript: WORKER_SCRIPT, flushIntervalMs: 250, ...extra });
}

/** Trains a spec on a fresh set of services (cold workers) in a temporary data folder. */
export async function runThroughServices(spec: ExperimentSpecInput, concurrency: number, backend: BackendChoice): Promise<GridTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'epochlab-bench-'));
  const services = await openBenchServices(dir, concurrency, backend);
  try {
    return await trainThroughServices(services, spec);
  } finally {
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Trains a spec through the services; times the whole grid and each trial from the events. */
export async function trainThroughServices(services: BenchServices, spec: ExperimentSpecInput): Promise<GridTiming> {
  const started = new Map<number, number>();
  const ended = new Map<number, { at: number; status: RunStatus }>();
  const off = services.subscribe((e) => {
    if (e.type !== 'run-status') return;
    if (e.status === 'running') started.set(e.runId, performance.now());
    else ended.set(e.runId, { at: performance.now(), status: e.status });
  });
  try {
    const t0 = performance.now();
    const experiment = await services.api.createExperiment(parseApiInput('createExperiment', { spec }));
    await services.runner.idle();
    const wallSeconds = (performance.now() - t0) / 1000;
    const detail = await services.api.getExperiment({ experimentId: experiment.id });
    const trials = detail.runs.map((run) => ({
      runId: run.id,
      status: ended.get(run.id)?.status ?? run.status,
      seconds: ((ended.get(run.id)?.at ?? NaN) - (started.get(run.id) ?? NaN)) / 1000,
      samples: run.epochsDone * run.accounting.samplesPerEpoch,
    }));
    return { wallSeconds, trials };
  } finally {
    off();
  }
}
