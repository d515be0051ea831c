/**
 * Training ops that are one kernel each way on wasm (see wasm-kernels/dense.ts, xent.ts, rows.ts), with
 * their gradients registered on tfjs' tape. On any other backend each op is the tfjs composite it
 * replaces, so a trial computes the same thing everywhere (to float32 rounding).
 */
import type * as TF from '@tensorflow/tfjs';
import { getTf } from './tf';
import { CONV2D_LAYER, CONV2D_LAYER_GRAD_BIAS, CONV2D_LAYER_GRAD_FILTER, CONV2D_LAYER_GRAD_INPUT, type ConvLayerAttrs } from './wasm-kernels/conv-layer';
import { DENSE, DENSE_GRAD_BIAS, DENSE_GRAD_FILTER, DENSE_GRAD_INPUT, type FusedActivation, type FusedActivationAttrs } from './wasm-kernels/dense';
import { ROWS, checkRows, type RowsAttrs } from './wasm-kernels/rows';
import { SOFTMAX_XENT, SOFTMAX_XENT_GRAD } from './wasm-kernels/xent';

const tf = getTf();

export type { FusedActivation } from './wasm-kernels/dense';
export const FUSED_ACTIVATIONS: readonly string[] = ['linear', 'relu'];

type NamedAttrs = TF.NamedAttrMap;

function ours(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

function run<T extends TF.Tensor | TF.Tensor[]>(name: string, inputs: TF.NamedTensorMap, attrs: object): T {
  return tf.engine().runKernel(name, inputs, attrs as unknown as NamedAttrs) as unknown as T;
}

let gradientsRegistered = false;
function registerGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient({
    kernelName: DENSE,
    inputsToSave: ['x', 'W'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, W, y] = saved;
      const g = dy as TF.Tensor;
      const a = attrs as unknown as FusedActivationAttrs;
      return {
        x: () => run(DENSE_GRAD_INPUT, { dy: g, y, W }, a),
        W: () => run(DENSE_GRAD_FILTER, { dy: g, y, x }, a),
        b: () => run(DENSE_GRAD_BIAS, { dy: g, y }, a),
      };
    },
  });
  tf.registerGradient({
    kernelName: CONV2D_LAYER,
    inputsToSave: ['x', 'W'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, W, y] = saved;
      const g = dy as TF.Tensor;
      const a = attrs as unknown as ConvLayerAttrs;
      return {
        x: () => run(CONV2D_LAYER_GRAD_INPUT, { dy: g, y, W }, { ...a, inputShape: x.shape }),
        W: () => run(CONV2D_LAYER_GRAD_FILTER, { dy: g, y, x, W }, a),
        b: () => run(CONV2D_LAYER_GRAD_BIAS, { dy: g, y }, a),
      };
    },
  });
  tf.registerGradient({
    kernelName: SOFTMAX_XENT,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dys, saved) => {
      const [logits, labels] = saved;
      const dLoss = (dys as TF.Tensor[])[0];
      return {
        logits: () => run(SOFTMAX_XENT_GRAD, { logits, labels, dy: dLoss }, {}),
        labels: () => tf.zerosLike(labels).toFloat(),
      };
    },
  });
}

/**
 * act(x·W + b) for x [M, K], W [K, N], b [N]: tfjs-layers' Dense.call for a rank-2 input (which is
 * tf.fused.matMul), as one kernel each way on wasm.
 */
export function dense(x: TF.Tensor, W: TF.Tensor, b: TF.Tensor | null, activation: FusedActivation): TF.Tensor {
  if (x.rank === 2 && x.dtype === 'float32' && (b === null || b.rank === 1) && ours(DENSE)) {
    registerGradients();
    return run(DENSE, b ? { x, W, b } : { x, W }, { activation } satisfies FusedActivationAttrs);
  }
  return tf.fused.matMul({ a: x, b: W, bias: b ?? undefined, activation });
}

export interface Conv2DGeometry {
  strides: [number, number];
  padding: 'same' | 'valid';
  dilations: [number, number];
}

/**
 * act(conv2d(x, W) + b) for NHWC x [N, H, W, C], W [KH, KW, C, CO], b [CO]: tfjs-layers' Conv2D.call
 * (tf.fused.conv2d), as one kernel each way on wasm. Dilated convolutions keep tfjs' path (tfjs has no
 * gradient for them either).
 */
export function conv2d(x: TF.Tensor4D, W: TF.Tensor4D, b: TF.Tensor | null, geometry: Conv2DGeometry, activation: FusedActivation): TF.Tensor4D {
  const { strides, padding, dilations } = geometry;
  const undilated = dilations[0] === 1 && dilations[1] === 1;
  if (undilated && x.dtype === 'float32' && (b === null || b.rank === 1) && ours(CONV2D_LAYER)) {
    registerGradients();
    const attrs: ConvLayerAttrs = { strides, pad: padding, dilations, activation };
    return run(CONV2D_LAYER, b ? { x, W, b } : { x, W }, attrs);
  }
  return tf.fused.conv2d({ x, filter: W, strides, pad: padding, dilations, dataFormat: 'NHWC', bias: b ?? undefined, activation });
}

export interface LossAndStats {
  /** The mean softmax cross-entropy (what the optimizer minimizes). */
  loss: TF.Scalar;
  /** [mean loss, number of rows classified correctly]: read once per step. */
  stats: TF.Tensor1D;
}

/** Softmax cross-entropy of logits [B, C] against int32 labels [B], and the batch's accuracy count. */
export function softmaxCrossEntropyWithStats(logits: TF.Tensor, labels: TF.Tensor1D, numClasses: number): LossAndStats {
  if (logits.rank === 2 && logits.dtype === 'float32' && labels.dtype === 'int32' && ours(SOFTMAX_XENT)) {
    registerGradients();
    const [loss, stats] = run<TF.Tensor[]>(SOFTMAX_XENT, { logits, labels }, {});
    return { loss: loss as TF.Scalar, stats: stats as TF.Tensor1D };
  }
  const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as TF.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
  return { loss, stats: tf.stack([loss, correct]) as TF.Tensor1D };
}

/**
 * Rows order[start … start + size) of a dataset's array (rows of `rowShape`) as a [size, …rowShape]
 * tensor; order null takes rows start … start + size as they are. float32 or int32 after the source.
 */
export function gatherRows(source: Float32Array | Int32Array, order: Int32Array | Uint32Array | null, start: number, size: number, rowShape: number[]): TF.Tensor {
  const attrs: RowsAttrs = { source, order, start, size, rowShape };
  if (ours(ROWS)) return run(ROWS, {}, attrs);
  const width = checkRows(attrs);
  const dtype = source instanceof Float32Array ? 'float32' : 'int32';
  if (order === null) return tf.tensor(source.subarray(start * width, (start + size) * width), [size, ...rowShape], dtype);
  const out = source instanceof Float32Array ? new Float32Array(size * width) : new Int32Array(size * width);
  const rowCount = width > 0 ? source.length / width : 0;
  for (let i = 0; i < size; i++) {
    const r = order[start + i];
    if (!(r >= 0 && r < rowCount)) throw new Error(`row ${r} is outside the source's ${rowCount} rows`);
    out.set(source.subarray(r * width, (r + 1) * width), i * width);
  }
  return tf.tensor(out, [size, ...rowShape], dtype);
}
