/**
 * The trainer's side of its link to the pool, whichever it is: a worker thread (parentPort and a shared
 * cancel cell), a process forked by Node (process.send, a cancel file) or an Electron utility process
 * (process.parentPort, a cancel file). The messages are the same (contract/worker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CANCEL_FILE_ARG, type FromWorker, type ImportReply, type ProbeReply, type ToWorker, type WorkerData } from '../../contract';
import { CancelFile } from '../pool/cancel-file';

export interface PoolLink {
  onMessage(listener: (message: ToWorker) => void): void;
  post(message: FromWorker | ProbeReply | ImportReply): void;
  /** Read by the training loop between batches. */
  isCancelled(runId: number): boolean;
}

/** Electron's utility-process port (process.parentPort), typed here so that the engine needs no Electron types. */
interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export function connectToPool(argv = process.argv): PoolLink {
  if (parentPort) {
    const port = parentPort;
    const { cancelCell } = workerData as WorkerData;
    return {
      onMessage: (listener) => port.on('message', listener),
      post: (message) => port.postMessage(message),
      isCancelled: (runId) => Atomics.load(cancelCell, 0) === runId,
    };
  }
  const cellIndex = argv.indexOf(CANCEL_FILE_ARG);
  if (cellIndex < 0 || !argv[cellIndex + 1]) throw new Error('the training worker must run in a worker thread or a training process started by the pool');
  const cell = CancelFile.open(argv[cellIndex + 1]);
  // A pool that is gone (killed with -9) cannot cancel: its trainer stops at the next batch instead of
  // training on as an orphan. process.ppid is read afresh each time (one getppid call).
  const parent = process.ppid;
  const isCancelled = (runId: number) => process.ppid !== parent || cell.read() === runId;
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data as ToWorker)),
      post: (message) => electronPort.postMessage(message),
      isCancelled,
    };
  }
  if (!process.send) throw new Error('a training process needs an IPC channel to its pool');
  process.on('disconnect', () => process.exit(0));
  return {
    onMessage: (listener) => process.on('message', (message) => listener(message as ToWorker)),
    post: (message) => {
      if (process.connected) process.send!(message, () => undefined);
    },
    isCancelled,
  };
}
