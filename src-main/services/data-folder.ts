/**
 * How a process opens its data folder: a training process takes the lock and repairs what a dead one left
 * `running`; any other opens the database read-only, never writes, and shows stale runs as what they are
 * (docs/reliability.md D7, E8). And the last resort of a forced exit: ending runs at once.
 */
import { mkdirSync } from 'node:fs';
import { withStoredDefaults } from '../contract';
import { studyIsShort } from '../engine/search';
import { openStore, openStoreForReading, type RunStore } from '../store';
import type { ServiceOptions } from './create-services';
import { databasePath } from './data-dir';
import { acquireLock, trainingOwnerOf, type DataDirLock } from './lock';
import { readerLiveness, showingTrueStatuses } from './stale-view';

export interface OpenedDataFolder {
  store: RunStore;
  lock: DataDirLock | null;
  readOnlyBecause: string | null;
  readNote: string | null;
}

/** The store and, for a training process that gets it, the lock. */
export function openDataFolder(options: ServiceOptions): OpenedDataFolder {
  const { dataDir } = options;
  const dbPath = databasePath(dataDir);
  const binding = { nativeBinding: options.sqliteNativeBinding };
  const reading = (readOnlyBecause: string): OpenedDataFolder => {
    const { store, note } = openStoreForReading(dbPath, binding);
    return { store: showingTrueStatuses(store, readerLiveness(() => trainingOwnerOf(dataDir) !== null)), lock: null, readOnlyBecause, readNote: note };
  };
  if (options.trains === false && options.annotates) {
    // Tags and notes are small writes in their own transactions; SQLite serializes them with a trainer's.
    const store = openStore(dbPath, binding);
    return { store: showingTrueStatuses(store, readerLiveness(() => trainingOwnerOf(dataDir) !== null)), lock: null, readOnlyBecause: 'this command only edits tags and notes', readNote: null };
  }
  if (options.trains === false) return reading('this command only reads the data folder');
  mkdirSync(dataDir, { recursive: true });
  let lock: DataDirLock;
  try {
    lock = acquireLock(dataDir);
  } catch (error) {
    // A full or read-only disk: nothing can train here, but everything stored can still be read.
    return reading(`cannot train in ${dataDir}: ${lockFailure(error)}`);
  }
  if (lock.heldBy !== null) {
    return reading(`another Epochlab process (pid ${lock.heldBy}) is training in ${dataDir}; only one process can train in a data folder at a time`);
  }
  try {
    const store = openStore(dbPath, binding);
    // A process that died mid-run left runs `running`: they are `interrupted`, and their experiments can be resumed.
    const wasRunning = store.listExperiments().filter((e) => e.status === 'running').map((e) => e.id);
    store.interruptStaleRuns();
    for (const id of wasRunning) {
      const found = store.getExperiment(id);
      // A TPE study short of its trial count was interrupted too, even with none of its runs left queued.
      const unfinished = found !== null && studyIsShort(withStoredDefaults(found.spec), found.summary.trialCount);
      if (found && (found.summary.status === 'running' || unfinished)) store.setExperimentStatus(id, 'interrupted');
    }
    return { store, lock, readOnlyBecause: null, readNote: null };
  } catch (error) {
    lock.release();
    throw error;
  }
}

function lockFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full';
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'the data folder is not writable';
  return error instanceof Error ? error.message : String(error);
}

/** Marks runs still training `cancelled` and drops their experiments' claim, as far as the disk lets it. */
export function abandonRuns(store: RunStore, runIds: number[], reason: string): void {
  const experiments = new Set<number>();
  for (const runId of runIds) {
    try {
      const run = store.getRun(runId);
      if (!run || (run.summary.status !== 'running' && run.summary.status !== 'queued')) continue;
      experiments.add(run.summary.experimentId);
      store.markRunEnded(runId, { status: 'cancelled', error: null, endReason: reason, bestEpoch: null, divergedAtStep: null });
    } catch {
      // Left `running`: the next training process marks it `interrupted`, which is still true.
    }
  }
  for (const experimentId of experiments) {
    try {
      store.setExperimentStatus(experimentId, 'interrupted');
    } catch {
      // As above.
    }
  }
}
