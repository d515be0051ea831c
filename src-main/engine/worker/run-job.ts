/**
 * What a worker does with one job: pick the backend, load and split the dataset (cached for the next trial
 * of the same experiment), train, and report through `post`. Kept apart from the thread entry so that it
 * can be tested in-process.
 */
import type { BackendInfo, FromWorker, TrainJob, TrialEnd } from '../../contract';
import { initBackend } from '../backends/select';
import { assertTrainable, fingerprint, loadDataset, splitDataset, type Dataset } from '../datasets/catalog';
import { describeFailure } from '../out-of-memory';
import { trainTrial } from '../training/train';

interface PreparedData {
  key: string;
  train: Dataset;
  val: Dataset | null;
  fingerprint: string;
}

let backend: { choice: string; info: BackendInfo } | null = null;
// One dataset is kept: consecutive trials of an experiment share it; a different one replaces it.
let cached: PreparedData | null = null;

export async function runJob(job: TrainJob, post: (message: FromWorker) => void, isCancelled: () => boolean): Promise<TrialEnd> {
  const { runId, config } = job;
  try {
    if (!backend || backend.choice !== job.backend) backend = { choice: job.backend, info: await initBackend(job.backend) };
    const data = await prepare(job);
    assertTrainable(data.train, data.val, config.validation, config.model);
    post({
      type: 'started', runId, backend: backend.info, datasetFingerprint: data.fingerprint,
      nTrain: data.train.y.length, nVal: data.val?.y.length ?? 0,
    });
    return await trainTrial({
      config,
      data: { train: data.train, val: data.val, inputShape: data.train.info.inputShape, numClasses: data.train.info.numClasses },
      sink: {
        iterations: (rows) => post({ type: 'iterations', runId, rows }),
        epoch: (row, bestEpoch) => post({ type: 'epoch', runId, row, bestEpoch }),
        checkpoint: (checkpoint) => post({ type: 'checkpoint', runId, checkpoint }),
        insight: (insight) => post({ type: 'insight', runId, insight }),
      },
      isCancelled,
      flushIntervalMs: job.flushIntervalMs,
      checkpoints: { dataDir: job.dataDir, relDir: job.checkpointDir },
      resume: job.resume,
    });
  } catch (error) {
    return { status: 'failed', reason: describeFailure(error), bestEpoch: null };
  }
}

async function prepare(job: TrainJob): Promise<PreparedData> {
  const { dataset, validation } = job.config;
  const key = JSON.stringify([job.dataDir, dataset, validation]);
  if (cached?.key === key) return cached;
  cached = null;
  const ctx = { dataDir: job.dataDir };
  const full = await loadDataset(dataset, ctx);
  const { train, val } = await splitDataset(full, validation, ctx);
  cached = { key, train, val, fingerprint: full.info.fingerprint ?? fingerprint(full) };
  return cached;
}
