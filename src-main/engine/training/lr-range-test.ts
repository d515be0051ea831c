/**
 * The LR range test as a run type: the training loop's step on the trial's model, optimizer, batches and
 * shuffles, with the learning rate ramped exponentially by engine/analysis/lr-range.ts instead of the
 * schedule, and its own stop rule instead of epochs, early stopping and divergence — a loss that blows up is
 * the expected end of this test, not a failure (docs/reliability.md I3). Iteration rows are recorded as for
 * any run (their learning rate column is the ramp); no epoch rows, no validation, no checkpoints. The result
 * (smoothed curve, suggestions, why it stopped) goes to the sink as one insight.
 */
import type * as tf from '@tensorflow/tfjs';
import { batchSizeAt, iterationAccounting, lrRangeSettings, type IterationMetric, type TrialEnd } from '../../contract';
import { LrRangeRecorder } from '../analysis/lr-range';
import { createRng, deriveSeed, permutation } from '../random';
import { buildModel, decayedWeights } from './model';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizer';
import { describeFailure } from '../out-of-memory';
import { trainStep, type TrainOptions } from './train';

export async function lrRangeTest(options: TrainOptions): Promise<TrialEnd> {
  const { config, data, sink } = options;
  const { params, training } = config;
  const spec = lrRangeSettings(config.analysis);
  const nTrain = data.train.y.length;
  const acc = iterationAccounting(nTrain, params.batchSize, 1, training.dropLastBatch);
  const recorder = new LrRangeRecorder(spec);
  let model: tf.LayersModel | null = null;
  let optimizer: tf.Optimizer | null = null;
  const started = performance.now();
  let pending: IterationMetric[] = [];
  let lastFlush = started;
  const flush = () => {
    if (pending.length) sink.iterations(pending);
    pending = [];
    lastFlush = performance.now();
  };
  try {
    model = buildModel(config.model, params, { inputShape: data.inputShape, numClasses: data.numClasses });
    optimizer = createOptimizer(params.optimizer, spec.from);
    const kernels = params.weightDecay > 0 ? decayedWeights(model) : [];
    let step = 0;
    for (let epoch = 1; ; epoch++) {
      // The training loop's order for this epoch: the same batches the trial would train on.
      const order = training.shuffle ? permutation(nTrain, createRng(deriveSeed(params.seed, 104729, epoch))) : null;
      for (let batch = 0; batch < acc.iterationsPerEpoch; batch++) {
        if (options.isCancelled()) {
          flush();
          return { status: 'cancelled', reason: 'cancelled by the user', bestEpoch: null };
        }
        const size = batchSizeAt(acc, batch);
        const lr = recorder.learningRateAt(step);
        setLearningRate(optimizer, lr);
        const stats = trainStep(model, optimizer, kernels, params.weightDecay, data, order, batch * acc.effectiveBatchSize, size);
        const [loss, correct] = await stats.data();
        stats.dispose();
        step++;
        const finite = Number.isFinite(loss);
        pending.push({
          step, epoch, batch, batchSize: size, loss: finite ? loss : null, accuracy: correct / size,
          learningRate: lr, elapsedMs: Math.round(performance.now() - started),
        });
        const stop = recorder.record(step, lr, loss);
        if (stop !== null) {
          flush();
          sink.insight?.({ kind: 'lr-range', result: recorder.result(stop) });
          return { status: 'completed', reason: null, bestEpoch: null };
        }
        if (performance.now() - lastFlush >= options.flushIntervalMs) flush();
      }
    }
  } catch (error) {
    flush();
    return { status: 'failed', reason: describeFailure(error), bestEpoch: null };
  } finally {
    if (optimizer) disposeOptimizer(optimizer);
    model?.dispose();
  }
}
