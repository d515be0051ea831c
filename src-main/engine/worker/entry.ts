/** The worker thread's entry: receives jobs, trains them one at a time, posts results back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerData } from '../../contract';
import { runJob } from './run-job';

const port = parentPort;
if (!port) throw new Error('the training worker must run in a worker thread');
const { cancelCell } = workerData as WorkerData;

port.on('message', (message: ToWorker) => {
  if (message.type !== 'train') return;
  const { runId } = message.job;
  const post = (m: FromWorker) => port.postMessage(m);
  void runJob(message.job, post, () => Atomics.load(cancelCell, 0) === runId).then((end) => {
    post({ type: 'finished', runId, end });
  });
});
