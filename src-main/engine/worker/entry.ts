/**
 * The trainer's entry, in a worker thread or a training process (the same bundle): receives jobs, trains
 * them one at a time, posts results back; also probes backends, and imports datasets off the main thread.
 */
import type { FromWorker, ImportReply, ProbeReply, ToWorker, TrainerMemory, TrialEnd } from '../../contract';
import { isOutOfMemoryReason } from '../out-of-memory';
import { connectToPool } from './pool-link';
import { crash, crashPlan, TEST_CRASH_ENV } from './test-crash';

// Loaded on the first message that needs them: a worker that only imports a dataset never loads TensorFlow.js
// (seconds), and one that trains never loads the image decoders.
const training = () => import('./run-job');
const backends = () => import('../backends/select');
const importing = () => Promise.all([import('../datasets/import'), import('../datasets/types')]);

const link = connectToPool();
const crashes = crashPlan(process.env[TEST_CRASH_ENV]);

/** Above this, a worker asks to be replaced: a wasm heap keeps its peak size for the life of the thread. */
const RECYCLE_BACKEND_BYTES = 1 * 2 ** 30;

function shouldRecycle(end: TrialEnd, backendMemoryBytes: () => number): boolean {
  // After running out of memory a wasm module may be left unusable; a big heap is only worth keeping briefly.
  return (end.status === 'failed' && isOutOfMemoryReason(end.reason)) || backendMemoryBytes() > RECYCLE_BACKEND_BYTES;
}

function memory(backendMemoryBytes: () => number): TrainerMemory {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapUsed, external, rss, backendBytes: backendMemoryBytes() };
}

link.onMessage((message: ToWorker) => {
  if (message.type === 'probe') {
    void backends().then(({ probeBackends }) => probeBackends()).then((probes) => link.post({ type: 'probes', probes } satisfies ProbeReply));
    return;
  }
  if (message.type === 'import') {
    const reply = (m: ImportReply) => link.post(m);
    void importing().then(async ([{ importDataset }, { DatasetError }]) => {
      try {
        reply({ type: 'imported', report: await importDataset(message.source, { dataDir: message.dataDir }, (progress) => reply({ type: 'import-progress', progress })) });
      } catch (error) {
        reply({ type: 'import-failed', message: error instanceof Error ? error.message : String(error), invalid: error instanceof DatasetError });
      }
    });
    return;
  }
  const { runId } = message.job;
  const crashMode = crashes.get(runId);
  const post = (m: FromWorker) => {
    link.post(m);
    if (crashMode && m.type === 'iterations') crash(crashMode);
  };
  void Promise.all([training(), backends()]).then(async ([{ runJob }, { backendMemoryBytes }]) => {
    const end = await runJob(message.job, post, () => link.isCancelled(runId));
    post({ type: 'finished', runId, end, recycle: shouldRecycle(end, backendMemoryBytes), memory: memory(backendMemoryBytes) });
  });
});
