/**
 * The services: the one implementation of the contract, composed from the store, the worker pool and
 * the dataset layer. The desktop app, the HTTP server and the CLI are thin front doors onto this.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ApiError, BACKEND_NAMES, type BackendChoice, type EpochlabServices, type Isolation, type QueueAddress, type SystemInfo } from '../contract';
import { TrainingPool, trainerKind, type PoolOptions } from '../engine/pool/pool';
import type { ProcessLauncher } from '../engine/pool/process-trainer';
import { probeBackendsIn } from '../engine/pool/probe';
import type { TrialRunner } from '../engine/pool/trial-runner';
import { abandonRuns, openDataFolder } from './data-folder';
import { showingTrueStatuses } from './stale-view';
import { createApi } from './api';
import { importFromSource } from './datasets-api';
import { dataDirFlag } from './data-dir';
import { EventHub } from './events';
import { ExperimentRunner } from './runner';
import { StudyService } from './study';
import { appVersion, defaultConcurrency, defaultIsolation } from './system';
import { UploadArea } from './uploads';

export interface ServiceOptions {
  dataDir: string;
  /**
   * Whether this process may train (app, `run`, `resume`, `serve`). Only a training process takes the data
   * folder's lock and repairs what a dead one left `running`; any other (`ls`, `show`, `export`, `info`,
   * `datasets`, `preview`) opens the database read-only and never writes, so it never stands in a training
   * process's way and works on a full disk (docs/reliability.md D7). Defaults to true.
   */
  trains?: boolean;
  /**
   * A process that does not train but edits tags and notes (`tag`, `note`): it opens the database writable,
   * still without the training lock, so it can annotate runs while another process trains them.
   */
  annotates?: boolean;
  concurrency?: number;
  backend?: BackendChoice;
  /** The bundled worker entry; defaults to worker.js next to the running bundle. */
  workerScript?: string;
  flushIntervalMs?: number;
  stallTimeoutMs?: number;
  /** Threads or processes; default: processes for native backends, threads otherwise (see defaultIsolation). */
  isolation?: Isolation;
  /** How training processes start: child_process.fork by default, Electron's utilityProcess in the app. */
  launchProcess?: ProcessLauncher;
  /** Test hooks for the trainers (heap limits, Node options of the processes). */
  trainers?: Pick<PoolOptions, 'threads' | 'processes'>;
  /** What trains the trials instead of the local pool (tests replaying recorded trials). */
  trialRunner?: TrialRunner;
  /** Train on `epochlab worker`s through this BullMQ queue instead of the local pool; this process stays the only writer. */
  queue?: { address: QueueAddress; name?: string };
  /** Where failures that reach no caller are reported; default: stderr. */
  log?: (line: string) => void;
  /** See OpenOptions.nativeBinding. */
  sqliteNativeBinding?: string;
}

export type Services = EpochlabServices & {
  runner: ExperimentRunner;
  /** Why this process can read but not train (another process owns the folder, the disk is full, it only reads); null when it can train. */
  readOnlyBecause: string | null;
  /** Said to the user when what is shown may be incomplete (a full disk hides the newest unsaved changes). */
  readNote: string | null;
  /**
   * The last resort of a forced exit (a second Ctrl-C after the flush timeout): synchronously ends every run
   * this process is training as `cancelled` with `reason`, closes the store and releases the lock, so the
   * process can exit at once without leaving a run `running`.
   */
  abandon(reason: string): void;
};

export async function createServices(options: ServiceOptions): Promise<Services> {
  const { dataDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Redis is checked before the data folder is taken: an unreachable queue is a clear error that leaves nothing held.
  // Loaded only when asked for: bullmq and ioredis take seconds to load on a busy machine, and no other command needs them.
  const remote = options.queue && options.trains !== false
    ? await (await import('./remote/queue-runner')).QueueTrialRunner.open({ address: options.queue.address, queueName: options.queue.name, concurrency: options.concurrency, log })
    : null;
  let opened: ReturnType<typeof openDataFolder>;
  try {
    opened = openDataFolder(options);
  } catch (error) {
    await remote?.close(0);
    throw error;
  }
  const { store, lock, readOnlyBecause, readNote } = opened;
  const backend = options.backend ?? 'auto';
  const concurrency = options.concurrency ?? defaultConcurrency(backend);
  const workerScript = options.workerScript ?? join(__dirname, 'worker.js');
  const isolation = options.isolation ?? defaultIsolation(backend);
  const poolOptions: PoolOptions = {
    workerScript,
    concurrency,
    isolation,
    stallTimeoutMs: options.stallTimeoutMs,
    threads: options.trainers?.threads,
    processes: options.launchProcess ? { ...options.trainers?.processes, launch: options.launchProcess } : options.trainers?.processes,
  };
  const pool: TrialRunner = options.trialRunner ?? remote ?? new TrainingPool(poolOptions);
  const events = new EventHub();
  const runner = new ExperimentRunner(store, pool, events, { dataDir, backend, flushIntervalMs: options.flushIntervalMs ?? 250, report: log });
  const study = new StudyService(store, runner, { dataDir, concurrency });
  // Subscribed first, so pruning decisions and new proposals happen before any front door hears of the event.
  events.subscribe((event) => study.onEvent(event));
  // Probed once, in a worker, on first request (concurrent callers share it); a failed probe is reported,
  // not thrown: the rest of the system info is still true, and the UI uses it to know it is connected.
  let probes: Promise<SystemInfo['backends']> | null = null;
  const systemInfo = async (): Promise<SystemInfo> => {
    probes ??= probeWith(trainerKind(poolOptions)).catch((error: unknown) => {
      probes = null;
      const reason = error instanceof Error ? error.message : String(error);
      return BACKEND_NAMES.map((name) => ({ name, available: false, reason }));
    });
    return { version: appVersion(), dataDir, cliDataDir: dataDirFlag(dataDir), cores: availableParallelism(), backends: await probes, defaultConcurrency: concurrency, isolation };
  };
  // The training process shows runs whose end it could not write with the end it saw.
  const shown = lock
    ? showingTrueStatuses(store, {
      runIsLive: (runId) => runner.activeRunIds().includes(runId),
      experimentIsLive: (experimentId) => runner.isActive(experimentId),
      unsavedEnd: (runId) => runner.unsavedEnd(runId),
    })
    : store;
  // Uploads live in the data folder's uploads/, which only the process that trains there (owns it) may use.
  const uploads = lock ? new UploadArea(join(dataDir, 'uploads')) : null;
  const api = createApi({ store: shown, runner, study, dataDir, systemInfo, trainingRefusal: readOnlyBecause, events, uploads, workerScript });
  let closed = false;
  return {
    api,
    runner,
    readOnlyBecause,
    readNote,
    subscribe: (listener) => events.subscribe(listener),
    importDataset: (source, onProgress) => importFromSource({ dataDir, events, workerScript }, source, onProgress),
    receiveUpload: (chunk, body) => {
      if (!uploads) return Promise.reject(new ApiError('conflict', readOnlyBecause ?? 'this process cannot write to the data folder'));
      return uploads.receive(chunk, body);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Trials cancelled by the shutdown must not make room for new proposals.
      study.stopAll();
      uploads?.close();
      await pool.close();
      await runner.idle();
      store.close();
      lock?.release();
    },
    abandon: (reason) => {
      if (closed) return;
      closed = true;
      study.stopAll();
      abandonRuns(store, runner.activeRunIds(), reason);
      store.close();
      lock?.release();
    },
  };
}

/** Probes in a trainer of the pool's kind (a native crash while probing stays in it), then releases the kind. */
async function probeWith(kind: ReturnType<typeof trainerKind>): Promise<SystemInfo['backends']> {
  try {
    return await probeBackendsIn(kind);
  } finally {
    kind.dispose();
  }
}
