/**
 * The services: the one implementation of the contract, composed from the store, the worker pool and
 * the dataset layer. The desktop app, the HTTP server and the CLI are thin front doors onto this.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice, DatasetImportSource, EpochlabServices, SystemInfo } from '../contract';
import { probeBackends } from '../engine/backends';
import { importDataset } from '../engine/datasets';
import { TrainingPool } from '../engine/pool/pool';
import { openStore, type RunStore } from '../store';
import { acquireLock } from './lock';
import { createApi } from './api';
import { databasePath } from './data-dir';
import { EventHub } from './events';
import { ExperimentRunner } from './runner';
import { appVersion, defaultConcurrency } from './system';

export interface ServiceOptions {
  dataDir: string;
  concurrency?: number;
  backend?: BackendChoice;
  /** The bundled worker entry; defaults to worker.js next to the running bundle. */
  workerScript?: string;
  flushIntervalMs?: number;
  stallTimeoutMs?: number;
  /** See OpenOptions.nativeBinding. */
  sqliteNativeBinding?: string;
}

export type Services = EpochlabServices & {
  runner: ExperimentRunner;
  /** Set when another process owns the data folder: this one can read but not train. */
  readOnlyBecause: string | null;
};

export async function createServices(options: ServiceOptions): Promise<Services> {
  const { dataDir } = options;
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireLock(dataDir);
  let store: RunStore;
  try {
    store = openStore(databasePath(dataDir), { nativeBinding: options.sqliteNativeBinding });
  } catch (error) {
    lock.release();
    throw error;
  }
  if (lock.heldBy === null) {
    // A process that died mid-run left runs `running`: they are `interrupted`, and their experiments can be resumed.
    store.interruptStaleRuns();
    for (const experiment of store.listExperiments()) {
      if (experiment.status === 'running') store.setExperimentStatus(experiment.id, 'interrupted');
    }
  }
  const backend = options.backend ?? 'auto';
  const concurrency = options.concurrency ?? defaultConcurrency(backend);
  const pool = new TrainingPool({
    workerScript: options.workerScript ?? join(__dirname, 'worker.js'),
    concurrency,
    stallTimeoutMs: options.stallTimeoutMs,
  });
  const events = new EventHub();
  const runner = new ExperimentRunner(store, pool, events, { dataDir, backend, flushIntervalMs: options.flushIntervalMs ?? 250 });
  let probes: SystemInfo['backends'] | null = null;
  const systemInfo = async (): Promise<SystemInfo> => {
    const backends = probes ?? (probes = await probeBackends());
    return { version: appVersion(), dataDir, cores: availableParallelism(), backends, defaultConcurrency: concurrency };
  };
  const api = createApi({ store, runner, dataDir, systemInfo, trainingOwner: lock.heldBy });
  let closed = false;
  return {
    api,
    runner,
    readOnlyBecause: lock.heldBy === null ? null : `another Epochlab process (pid ${lock.heldBy}) is training in ${dataDir}; only one process can train in a data folder at a time`,
    subscribe: (listener) => events.subscribe(listener),
    importDataset: (source: DatasetImportSource) => importDataset(source, { dataDir }),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.close();
      await runner.idle();
      store.close();
      lock.release();
    },
  };
}
