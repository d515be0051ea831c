/**
 * The trainer's entry, in a worker thread or a training process (the same bundle): receives jobs, trains
 * them one at a time, posts results back; also probes backends.
 */
import type { FromWorker, ProbeReply, ToWorker, TrainerMemory, TrialEnd } from '../../contract';
import { backendMemoryBytes, probeBackends } from '../backends/select';
import { isOutOfMemoryReason } from '../out-of-memory';
import { connectToPool } from './pool-link';
import { runJob } from './run-job';
import { crash, crashPlan, TEST_CRASH_ENV } from './test-crash';

const link = connectToPool();
const crashes = crashPlan(process.env[TEST_CRASH_ENV]);

/** Above this, a worker asks to be replaced: a wasm heap keeps its peak size for the life of the thread. */
const RECYCLE_BACKEND_BYTES = 1 * 2 ** 30;

function shouldRecycle(end: TrialEnd): boolean {
  // After running out of memory a wasm module may be left unusable; a big heap is only worth keeping briefly.
  return (end.status === 'failed' && isOutOfMemoryReason(end.reason)) || backendMemoryBytes() > RECYCLE_BACKEND_BYTES;
}

function memory(): TrainerMemory {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapUsed, external, rss, backendBytes: backendMemoryBytes() };
}

link.onMessage((message: ToWorker) => {
  if (message.type === 'probe') {
    void probeBackends().then((probes) => link.post({ type: 'probes', probes } satisfies ProbeReply));
    return;
  }
  const { runId } = message.job;
  const crashMode = crashes.get(runId);
  const post = (m: FromWorker) => {
    link.post(m);
    if (crashMode && m.type === 'iterations') crash(crashMode);
  };
  void runJob(message.job, post, () => link.isCancelled(runId)).then((end) => {
    post({ type: 'finished', runId, end, recycle: shouldRecycle(end), memory: memory() });
  });
});
