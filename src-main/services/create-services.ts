/**
 * The services: the one implementation of the contract, composed from the store, the worker pool and
 * the dataset layer. The desktop app, the HTTP server and the CLI are thin front doors onto this.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BACKEND_NAMES, type BackendChoice, type DatasetImportSource, type EpochlabServices, type SystemInfo } from '../contract';
import { importDataset } from '../engine/datasets/catalog';
import { TrainingPool } from '../engine/pool/pool';
import { probeBackendsInWorker } from '../engine/pool/probe';
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
  const workerScript = options.workerScript ?? join(__dirname, 'worker.js');
  const pool = new TrainingPool({
    workerScript,
    concurrency,
    stallTimeoutMs: options.stallTimeoutMs,
  });
  const events = new EventHub();
  const runner = new ExperimentRunner(store, pool, events, { dataDir, backend, flushIntervalMs: options.flushIntervalMs ?? 250 });
  // Probed once, in a worker, on first request (concurrent callers share it); a failed probe is reported,
  // not thrown: the rest of the system info is still true, and the UI uses it to know it is connected.
  let probes: Promise<SystemInfo['backends']> | null = null;
  const systemInfo = async (): Promise<SystemInfo> => {
    probes ??= probeBackendsInWorker(workerScript).catch((error: unknown) => {
      probes = null;
      const reason = error instanceof Error ? error.message : String(error);
      return BACKEND_NAMES.map((name) => ({ name, available: false, reason }));
    });
    return { version: appVersion(), dataDir, cores: availableParallelism(), backends: await probes, defaultConcurrency: concurrency };
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
