/**
 * Probing the backends loads them — for tfjs-node-gpu that means CUDA and native code that can crash the
 * process. So the main thread (the app's, the server's) never probes: a short-lived worker does, with the
 * same bundle that trains, and answers what loads there.
 */
import { Worker } from 'node:worker_threads';
import type { BackendProbe, ProbeReply, ToWorker, WorkerData } from '../../contract';

export function probeBackendsInWorker(workerScript: string, timeoutMs = 60_000): Promise<BackendProbe[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript, { workerData: { cancelCell: new Int32Array(new SharedArrayBuffer(4)) } satisfies WorkerData });
    const done = (finish: () => void) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate();
      finish();
    };
    const timer = setTimeout(() => done(() => reject(new Error(`probing the backends took over ${timeoutMs / 1000} s`))), timeoutMs);
    worker.on('message', (message: ProbeReply) => {
      if (message.type === 'probes') done(() => resolve(message.probes));
    });
    worker.on('error', (error) => done(() => reject(new Error(`probing the backends crashed the worker: ${error.message}`))));
    worker.on('exit', (code) => done(() => reject(new Error(`the probing worker exited with code ${code}`))));
    worker.postMessage({ type: 'probe' } satisfies ToWorker);
  });
}
