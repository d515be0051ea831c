/** Trainers as worker threads of this process: cheap to start, but a native crash takes the process down. */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FromWorker, ProbeReply, ToWorker, WorkerData } from '../../contract';
import type { Trainer, TrainerEvents, TrainerKind } from './trainer';

export interface ThreadTrainerOptions {
  /** A worker whose JavaScript heap passes these ends with ERR_WORKER_OUT_OF_MEMORY, alone. */
  resourceLimits?: ResourceLimits;
  /** The workers' environment; default: a copy of this process's. */
  env?: NodeJS.ProcessEnv;
}

export function threadTrainers(workerScript: string, options: ThreadTrainerOptions = {}): TrainerKind {
  return {
    isolation: 'thread',
    start: (events) => startThread(workerScript, options, events),
    dispose: () => undefined,
  };
}

function startThread(workerScript: string, options: ThreadTrainerOptions, events: TrainerEvents): Trainer {
  const cancelCell = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerScript, {
    workerData: { cancelCell } satisfies WorkerData, resourceLimits: options.resourceLimits, env: options.env ?? process.env,
  });
  let gone = false;
  const die = (death: Parameters<TrainerEvents['death']>[0]) => {
    if (gone) return;
    gone = true;
    void worker.terminate().catch(() => undefined);
    events.death(death);
  };
  worker.on('message', (message: FromWorker | ProbeReply) => {
    if (!gone) events.message(message);
  });
  // An 'error' (an uncaught exception, a heap over its limit) says more than the 'exit' after it. What the
  // worker posted before it threw may be dispatched just after the 'error' (another port, the same poll of
  // the event loop), and those last rows belong to the trial: the death waits one turn (setImmediate) for
  // them, no longer — with an uncaught-exception handler installed (emscripten's, in the wasm backend) the
  // worker may train on for seconds before its 'exit', and nothing it sends then may count.
  let error: Error | null = null;
  worker.on('error', (thrown) => {
    error ??= thrown;
    setImmediate(() => die({ kind: 'error', error: thrown }));
  });
  worker.on('exit', (code) => die(error ? { kind: 'error', error } : { kind: 'exit', code, signal: null, output: '' }));
  return {
    train: (job) => worker.postMessage({ type: 'train', job } satisfies ToWorker),
    probe: () => worker.postMessage({ type: 'probe' } satisfies ToWorker),
    requestCancel: (runId) => Atomics.store(cancelCell, 0, runId),
    clearCancel: () => Atomics.store(cancelCell, 0, 0),
    terminate: async () => {
      gone = true;
      await worker.terminate();
    },
  };
}
