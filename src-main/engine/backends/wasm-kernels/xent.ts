/**
 * Softmax cross-entropy against integer labels, with the batch's accuracy, as one kernel each way.
 * tfjs' losses.softmaxCrossEntropy on one-hot labels plus an argMax/equal/sum accuracy is ~25 launches
 * forward and backward for a [B, classes] matrix that takes microseconds to process. The logits are
 * small (batch × classes), so plain JavaScript over the heap is enough; sums run in float64.
 *
 * EpochlabSoftmaxXent: inputs logits [B, C] float32, labels [B] int32 → outputs
 *   [0] the mean loss (scalar), as tf.losses.softmaxCrossEntropy(oneHot(labels), logits) computes it;
 *   [1] [mean loss, number of rows whose first largest logit is the label] — the step's statistics.
 * A label outside [0, C) has an all-zero one-hot row in tfjs, so it adds 0 to the loss and its row's
 * gradient is the softmax alone; the same here.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, f32View, i32View } from './heap';

export const SOFTMAX_XENT = 'EpochlabSoftmaxXent';
export const SOFTMAX_XENT_GRAD = 'EpochlabSoftmaxXentGrad';

function shapes(logits: TensorInfo, labels: TensorInfo): [number, number] {
  if (logits.shape.length !== 2 || logits.dtype !== 'float32') throw new Error(`softmax cross-entropy: logits must be a float32 matrix (got ${logits.dtype} [${logits.shape}])`);
  const [B, C] = logits.shape;
  if (labels.dtype !== 'int32' || labels.shape.length !== 1 || labels.shape[0] !== B) {
    throw new Error(`softmax cross-entropy: labels must be int32 [${B}] (got ${labels.dtype} [${labels.shape}])`);
  }
  return [B, C];
}

function xent(args: { inputs: { logits: TensorInfo; labels: TensorInfo }; backend: BackendWasm }): TensorInfo[] {
  const { inputs: { logits, labels }, backend } = args;
  const [B, C] = shapes(logits, labels);
  const loss = alloc(backend, []);
  const stats = alloc(backend, [2]);
  const z = f32View(backend, logits);
  const y = i32View(backend, labels);
  let total = 0;
  let correct = 0;
  for (let r = 0, o = 0; r < B; r++, o += C) {
    let max = -Infinity;
    let arg = -1;
    for (let c = 0; c < C; c++) {
      if (z[o + c] > max) {
        max = z[o + c];
        arg = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(z[o + c] - max);
    const label = y[r];
    // A NaN logit makes the sum NaN, and so the loss: the training loop reads that as divergence.
    if (label >= 0 && label < C) total += max + Math.log(sum) - z[o + label];
    else total += 0 * sum;
    if (arg === label) correct++;
  }
  const mean = B > 0 ? total / B : NaN;
  f32View(backend, loss)[0] = mean;
  const s = f32View(backend, stats);
  s[0] = mean;
  s[1] = correct;
  return [loss, stats];
}

/** dlogits = dLoss · (softmax(logits) − onehot(labels)) / B. */
function xentGrad(args: { inputs: { logits: TensorInfo; labels: TensorInfo; dy: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs: { logits, labels, dy }, backend } = args;
  const [B, C] = shapes(logits, labels);
  const out = alloc(backend, [B, C]);
  const z = f32View(backend, logits);
  const y = i32View(backend, labels);
  const g = f32View(backend, out);
  const scale = f32View(backend, dy)[0] / B;
  for (let r = 0, o = 0; r < B; r++, o += C) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (z[o + c] > max) max = z[o + c];
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(z[o + c] - max);
      g[o + c] = e;
      sum += e;
    }
    const label = y[r];
    for (let c = 0; c < C; c++) g[o + c] = ((g[o + c] / sum) - (c === label ? 1 : 0)) * scale;
  }
  return out;
}

export const softmaxXentKernel = xent as unknown as KernelFunc;
export const softmaxXentGradKernel = xentGrad as unknown as KernelFunc;
