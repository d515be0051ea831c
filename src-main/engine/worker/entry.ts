/** The worker thread's entry: receives jobs, trains them one at a time, posts results back; also probes backends. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ProbeReply, ToWorker, TrialEnd, WorkerData } from '../../contract';
import { backendMemoryBytes, probeBackends } from '../backends/select';
import { runJob } from './run-job';

const port = parentPort;
if (!port) throw new Error('the training worker must run in a worker thread');
const { cancelCell } = workerData as WorkerData;

/** Above this, a worker asks to be replaced: a wasm heap keeps its peak size for the life of the thread. */
const RECYCLE_BACKEND_BYTES = 1 * 2 ** 30;

function shouldRecycle(end: TrialEnd): boolean {
  // After running out of memory a wasm module may be left unusable; a big heap is only worth keeping briefly.
  return (end.status === 'failed' && /out of memory/.test(end.reason)) || backendMemoryBytes() > RECYCLE_BACKEND_BYTES;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'probe') {
    void probeBackends().then((probes) => port.postMessage({ type: 'probes', probes } satisfies ProbeReply));
    return;
  }
  const { runId } = message.job;
  const post = (m: FromWorker) => port.postMessage(m);
  void runJob(message.job, post, () => Atomics.load(cancelCell, 0) === runId).then((end) => {
    post({ type: 'finished', runId, end, recycle: shouldRecycle(end) });
  });
});
