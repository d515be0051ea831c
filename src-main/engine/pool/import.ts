/**
 * An import runs in a short-lived worker with the training bundle, not on the thread that answers the API:
 * decoding one large JPEG takes seconds, and an uploaded .zip of them would otherwise hold every other
 * request of `epochlab serve` (and the desktop's main process) until it is done (docs/reliability.md B5).
 */
import { Worker } from 'node:worker_threads';
import type { DatasetImportSource, ImportProgress, ImportReply, ImportReport, ToWorker, WorkerData } from '../../contract';
import { DatasetError } from '../datasets/types';

export function importInWorker(
  workerScript: string,
  source: DatasetImportSource,
  dataDir: string,
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript, { workerData: { cancelCell: new Int32Array(new SharedArrayBuffer(4)) } satisfies WorkerData });
    const done = (finish: () => void) => {
      worker.removeAllListeners();
      void worker.terminate();
      finish();
    };
    worker.on('message', (message: ImportReply) => {
      if (message.type === 'import-progress') onProgress(message.progress);
      else if (message.type === 'imported') done(() => resolve(message.report));
      else done(() => reject(message.invalid ? new DatasetError(message.message) : new Error(message.message)));
    });
    worker.on('error', (error) => done(() => reject(new Error(`the import crashed its worker: ${error.message}`))));
    worker.on('exit', (code) => done(() => reject(new Error(`the import's worker exited with code ${code}`))));
    worker.postMessage({ type: 'import', source, dataDir } satisfies ToWorker);
  });
}
