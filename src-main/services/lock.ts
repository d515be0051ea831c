/**
 * One process at a time trains in a data folder (desktop app, `epochlab run`, `resume` or `serve`). The owner
 * writes its pid to a lock file; a lock whose process is gone is stale and is taken over. Processes that only
 * read never come here (see createServices' `trains`), so they can never make a training process wait or fail.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { lockPath } from './data-dir';

export interface DataDirLock {
  /** Null when this process owns the folder; else the pid of the process that does. */
  heldBy: number | null;
  release(): void;
}

export function acquireLock(dataDir: string): DataDirLock {
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, String(process.pid));
      } catch (error) {
        // A full disk creates the file but not its content: an empty lock would stand in the next process's way.
        closeSync(fd);
        rmSync(path, { force: true });
        throw error;
      }
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // One listener per lock taken: a process that opens and closes services many times must not pile them up.
        process.off('exit', release);
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { heldBy: null, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) return { heldBy: owner, release: () => undefined };
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock the data folder ${dataDir}`);
}

/** The pid of the live process that trains in the folder, read without writing anything; null when none does. */
export function trainingOwnerOf(dataDir: string): number | null {
  let owner: number;
  try {
    owner = Number.parseInt(readFileSync(lockPath(dataDir), 'utf8').trim(), 10);
  } catch {
    return null;
  }
  return Number.isInteger(owner) && owner > 0 && isAlive(owner) ? owner : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
