/**
 * The training loop of one trial. It knows nothing of workers, Electron or SQLite: it reads arrays,
 * trains, and reports through a sink. Per iteration it records loss, batch accuracy, learning rate and
 * the actual batch size (the last batch of an epoch may be smaller); per epoch, train loss and accuracy
 * weighted by samples, validation loss and accuracy, time and samples seen.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import {
  batchSizeAt, iterationAccounting, type CheckpointInfo, type EpochMetric, type IterationMetric, type RunInsight, type TrialConfig,
} from '../../contract';
import type { TrialEnd } from '../../contract/worker';
import { gatherRows, softmaxCrossEntropyWithStats } from '../backends/fused-ops';
import { describeFailure } from '../out-of-memory';
import { createRng, deriveSeed, permutation } from '../random';
import { loadResumePoint, readWeightTensors, saveResumePoint, saveWeights } from './checkpoint';
import { removeResumePoints, weightsRefOf } from './checkpoint-layout';
import { DivergenceWatch, type Divergence } from './divergence';
import { firstNonFiniteWeight } from './finite-weights';
import { buildModel, decayedWeights } from './model';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizer';
import { learningRateAt } from './schedules';
import { EpochJudge } from './stopping';
import { TrialInsights } from './insights';
import { lrRangeTest } from './lr-range-test';
import { splitTrainStep } from './split-step';
import { applyForTraining } from './training-forward';

export interface ArraySet {
  x: Float32Array;
  y: Int32Array;
}
export interface TrainingData {
  train: ArraySet;
  val: ArraySet | null;
  inputShape: number[];
  numClasses: number;
}

export interface TrainingSink {
  iterations(rows: IterationMetric[]): void;
  epoch(row: EpochMetric, bestEpoch: number | null): void;
  checkpoint(checkpoint: CheckpointInfo): void;
  /** Noise scale, sharpness, LR range result (the spec's analysis section); sinks that ignore them may omit it. */
  insight?(insight: RunInsight): void;
}

export interface TrainOptions {
  config: TrialConfig;
  data: TrainingData;
  sink: TrainingSink;
  isCancelled: () => boolean;
  flushIntervalMs: number;
  /** Where checkpoints go: absolute data folder + folder relative to it. Null: no files. */
  checkpoints: { dataDir: string; relDir: string } | null;
  /** Continue from the resume point in the checkpoint folder (an interrupted or cancelled run). */
  resume?: boolean;
}

const EVAL_CHUNK = 1024;

export async function trainTrial(options: TrainOptions): Promise<TrialEnd> {
  if (options.config.analysis?.runType === 'lr-range-test') return lrRangeTest(options);
  const end = await trainLoop(options);
  // A cancelled run keeps its resume points (it can be resumed), and so does a failed one: a run that failed
  // for a full disk is resumed once there is space. A finished run has no use for them.
  if (options.checkpoints && end.status !== 'cancelled' && end.status !== 'failed') removeResumePoints(checkpointDir(options.checkpoints));
  return end;
}

function bestOf(weights: tf.Tensor[] | null, judge: EpochJudge): { weights: tf.Tensor[]; epoch: number } | null {
  return weights && judge.bestEpoch !== null ? { weights, epoch: judge.bestEpoch } : null;
}

function checkpointDir(checkpoints: NonNullable<TrainOptions['checkpoints']>): string {
  return join(checkpoints.dataDir, checkpoints.relDir);
}

async function trainLoop(options: TrainOptions): Promise<TrialEnd> {
  const { config, data, sink } = options;
  const { params, training } = config;
  const featureSize = data.inputShape.reduce((a, b) => a * b, 1);
  const nTrain = data.train.y.length;
  const acc = iterationAccounting(nTrain, params.batchSize, params.epochs, training.dropLastBatch);
  const scheduleCtx = {
    baseLearningRate: params.learningRate, schedule: params.schedule, options: training.scheduleOptions,
    iterationsPerEpoch: acc.iterationsPerEpoch, totalIterations: acc.totalIterations,
  };
  const judge = new EpochJudge(training.earlyStopping, training.plateau, data.val !== null, params.epochs);
  const watch = new DivergenceWatch(training.divergence, { numClasses: data.numClasses, iterationsPerEpoch: acc.iterationsPerEpoch });
  const diverged = (d: Divergence): TrialEnd => ({ status: 'diverged', reason: d.reason, bestEpoch: judge.bestEpoch, divergedAtStep: d.step });
  const saveFiles = options.checkpoints !== null && training.checkpoints === 'best-and-last';
  const restoreBest = training.earlyStopping?.restoreBest ?? false;
  const insights = new TrialInsights({
    config, data, iterationsPerEpoch: acc.iterationsPerEpoch, effectiveBatchSize: acc.effectiveBatchSize,
    emit: (insight) => sink.insight?.(insight), isCancelled: options.isCancelled,
  });
  const keepBest = restoreBest || insights.needsBestWeights;

  const model = buildModel(config.model, params, { inputShape: data.inputShape, numClasses: data.numClasses });
  const optimizer = createOptimizer(params.optimizer, params.learningRate);
  const kernels = params.weightDecay > 0 ? decayedWeights(model) : [];
  let bestWeights: tf.Tensor[] | null = null;

  let started = performance.now();
  let pending: IterationMetric[] = [];
  let lastFlush = started;
  let step = 0;
  let samplesSeen = 0;
  let lastEpoch = 0;
  let firstEpoch = 1;
  const flush = () => {
    if (pending.length) sink.iterations(pending);
    pending = [];
    lastFlush = performance.now();
  };

  try {
    if (options.resume) {
      const dir = options.checkpoints ? checkpointDir(options.checkpoints) : null;
      let point: Awaited<ReturnType<typeof loadResumePoint>>;
      try {
        if (!dir) throw new Error('this run keeps no checkpoint files');
        point = await loadResumePoint(model, optimizer, dir);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return { status: 'failed', reason: `cannot continue from the resume point: ${why}; resume the experiment again to train this run from scratch`, bestEpoch: null };
      }
      judge.restore(point.judge);
      ({ step, samplesSeen } = point);
      lastEpoch = point.epoch;
      firstEpoch = point.epoch + 1;
      started = performance.now() - point.elapsedMs;
      if (keepBest) bestWeights = readWeightTensors(dir!, 'best', point.judge.bestEpoch);
    }
    for (let epoch = firstEpoch; epoch <= params.epochs; epoch++) {
      const epochStart = performance.now();
      // Each batch is gathered from the dataset by this order, straight into the backend's memory.
      const order = training.shuffle ? permutation(nTrain, createRng(deriveSeed(params.seed, 104729, epoch))) : null;
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let lr = params.learningRate;
      for (let batch = 0; batch < acc.iterationsPerEpoch; batch++) {
        if (options.isCancelled()) {
          flush();
          return { status: 'cancelled', reason: 'cancelled by the user', bestEpoch: judge.bestEpoch };
        }
        const size = batchSizeAt(acc, batch);
        const start = batch * acc.effectiveBatchSize;
        lr = learningRateAt(scheduleCtx, step);
        setLearningRate(optimizer, lr);
        const split = insights.splits(batch, size);
        const stepStart = performance.now();
        const stats = split
          ? splitTrainStep(model, optimizer, (from, n) => batchObjective(model, kernels, params.weightDecay, data, order, start + from, n), size)
          : trainStep(model, optimizer, kernels, params.weightDecay, data, order, start, size);
        const values = await stats.data();
        const [loss, correct] = values;
        stats.dispose();
        insights.afterStep(size, performance.now() - stepStart, split ? values.subarray(2) : null);
        step++;
        const finite = Number.isFinite(loss);
        pending.push({
          step, epoch, batch, batchSize: size, loss: finite ? loss : null, accuracy: correct / size,
          learningRate: lr, elapsedMs: Math.round(performance.now() - started),
        });
        const divergence = watch.observeLoss(loss, { step, epoch, batch, learningRate: lr });
        if (divergence) {
          flush();
          return diverged(divergence);
        }
        lossSum += loss * size;
        correctSum += correct;
        seen += size;
        samplesSeen += size;
        if (performance.now() - lastFlush >= options.flushIntervalMs) flush();
      }
      flush();
      // Before evaluating or saving anything: a checkpoint must never hold NaN weights.
      const badWeights = watch.observeWeights(await firstNonFiniteWeight(model), epoch, step);
      if (badWeights) return diverged(badWeights);
      const valStats = data.val ? await evaluate(model, data.val, data, featureSize) : null;
      const now = performance.now();
      const metric: EpochMetric = {
        epoch, step, trainLoss: lossSum / seen, trainAccuracy: correctSum / seen,
        valLoss: valStats && Number.isFinite(valStats.loss) ? valStats.loss : null,
        valAccuracy: valStats ? valStats.accuracy : null,
        learningRate: lr, seconds: (now - epochStart) / 1000, samplesSeen, elapsedMs: Math.round(now - started),
      };
      lastEpoch = epoch;
      const decision = judge.observe(metric);
      // The resume point before the epoch row: a process killed between the two leaves a point one epoch
      // ahead of the database, which the services pass over for the one before (docs/reliability.md E6).
      if (saveFiles && !decision.stop && epoch < params.epochs) {
        await saveResumePoint(model, optimizer, checkpointDir(options.checkpoints!), {
          epoch, step, samplesSeen, elapsedMs: metric.elapsedMs, judge: judge.snapshot(),
        });
      }
      sink.epoch(metric, judge.bestEpoch);
      insights.endEpoch(epoch, step);
      if (decision.improved) {
        if (saveFiles) await writeCheckpoint(model, options, 'best', epoch, sink);
        if (keepBest) {
          bestWeights?.forEach((w) => w.dispose());
          bestWeights = model.getWeights().map((w) => w.clone());
        }
      }
      if (decision.stop) {
        await insights.atEnd(model, bestOf(bestWeights, judge), lastEpoch);
        await finish(model, options, bestWeights, restoreBest, judge, lastEpoch, saveFiles, sink);
        return { status: 'early-stopped', reason: decision.stop.reason, bestEpoch: judge.bestEpoch };
      }
    }
    await insights.atEnd(model, bestOf(bestWeights, judge), lastEpoch);
    await finish(model, options, bestWeights, restoreBest, judge, lastEpoch, saveFiles, sink);
    return { status: 'completed', reason: null, bestEpoch: judge.bestEpoch };
  } catch (error) {
    flush();
    return { status: 'failed', reason: describeFailure(error), bestEpoch: judge.bestEpoch };
  } finally {
    bestWeights?.forEach((w) => w.dispose());
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/**
 * One parameter update on rows order[start … start + size) of the training set (rows start … in order
 * when order is null). Returns [mean data loss, correct count] as one tensor so it is read in one go.
 */
export function trainStep(
  model: tf.LayersModel, optimizer: tf.Optimizer, kernels: tf.LayerVariable[], weightDecay: number,
  data: TrainingData, order: Uint32Array | null, start: number, size: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const xb = gatherRows(data.train.x, order, start, size, data.inputShape);
    const yb = gatherRows(data.train.y, order, start, size, []) as tf.Tensor1D;
    let stats: tf.Tensor1D | null = null;
    optimizer.minimize(() => {
      const logits = applyForTraining(model, xb);
      const { loss: dataLoss, stats: s } = softmaxCrossEntropyWithStats(logits, yb, data.numClasses);
      stats = tf.keep(s);
      if (!kernels.length) return dataLoss;
      // L2 penalty ½·λ·Σw² adds λ·w to each kernel's gradient, as PyTorch's weight_decay does.
      const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k.read()))));
      return tf.add(dataLoss, tf.mul(0.5 * weightDecay, penalty)) as tf.Scalar;
    }, false);
    return stats as unknown as tf.Tensor1D;
  });
}

export interface BatchObjective {
  /** What the optimizer minimizes: the mean data loss plus the weight-decay penalty. */
  objective: tf.Scalar;
  dataLoss: tf.Scalar;
  correct: tf.Scalar;
}

/** The loss of rows order[start … start + size) in training mode (the split step takes it per half). */
export function batchObjective(
  model: tf.LayersModel, kernels: tf.LayerVariable[], weightDecay: number,
  data: TrainingData, order: Uint32Array | null, start: number, size: number,
): BatchObjective {
  const xb = gatherRows(data.train.x, order, start, size, data.inputShape);
  const yb = gatherRows(data.train.y, order, start, size, []) as tf.Tensor1D;
  const logits = applyForTraining(model, xb);
  const { loss: dataLoss, stats } = softmaxCrossEntropyWithStats(logits, yb, data.numClasses);
  const correct = tf.gather(stats, 1).reshape([]) as tf.Scalar;
  if (!kernels.length) return { objective: dataLoss, dataLoss, correct };
  // L2 penalty ½·λ·Σw² adds λ·w to each kernel's gradient, as PyTorch's weight_decay does.
  const penalty = tf.addN(kernels.map((k) => tf.sum(tf.square(k.read()))));
  return { objective: tf.add(dataLoss, tf.mul(0.5 * weightDecay, penalty)) as tf.Scalar, dataLoss, correct };
}

async function evaluate(model: tf.LayersModel, set: ArraySet, data: TrainingData, featureSize: number): Promise<{ loss: number; accuracy: number }> {
  const n = set.y.length;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, n - start);
    const stats = tf.tidy(() => {
      const xb = tf.tensor(set.x.subarray(start * featureSize, (start + size) * featureSize), [size, ...data.inputShape]);
      const yb = tf.tensor1d(set.y.subarray(start, start + size), 'int32');
      const logits = model.apply(xb, { training: false }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(yb, data.numClasses), logits, undefined, undefined, tf.Reduction.SUM);
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), 'float32'));
      return tf.stack([loss as tf.Scalar, hits]);
    });
    const [l, c] = await stats.data();
    stats.dispose();
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

async function writeCheckpoint(model: tf.LayersModel, options: TrainOptions, kind: 'best' | 'last', epoch: number, sink: TrainingSink): Promise<void> {
  const bytes = await saveWeights(model, checkpointDir(options.checkpoints!), kind, epoch);
  sink.checkpoint({ kind, epoch, path: weightsRefOf(options.checkpoints!.relDir, kind), bytes });
}

async function finish(
  model: tf.LayersModel, options: TrainOptions, bestWeights: tf.Tensor[] | null, restoreBest: boolean,
  judge: EpochJudge, lastEpoch: number, saveFiles: boolean, sink: TrainingSink,
): Promise<void> {
  let epoch = lastEpoch;
  if (restoreBest && bestWeights && judge.bestEpoch !== null) {
    model.setWeights(bestWeights);
    epoch = judge.bestEpoch;
  }
  if (saveFiles) await writeCheckpoint(model, options, 'last', epoch, sink);
}
