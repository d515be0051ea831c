/** Builds the MLP and CNN templates with tfjs layers; weights are initialised from the trial's seed. */
import * as tf from '@tensorflow/tfjs';
import { CNN_PARAM_DEFAULTS, type CnnModel, type MlpModel, type ModelSpec, type TrialParams } from '../../contract';
import { deriveSeed } from '../random';

export interface ModelShape {
  inputShape: number[];
  numClasses: number;
}

export class ModelSpecError extends Error {}

/** Output: logits (no softmax), so the loss can use the numerically stable softmax cross-entropy. */
export function buildModel(spec: ModelSpec, params: TrialParams, shape: ModelShape): tf.Sequential {
  const seeds = { next: 0 };
  const init = () => tf.initializers.glorotUniform({ seed: deriveSeed(params.seed, 7919, seeds.next++) });
  const model = tf.sequential();
  if (spec.template === 'mlp') addMlp(model, spec, params, shape, init);
  else addCnn(model, spec, params, shape, init);
  model.add(tf.layers.dense({ units: shape.numClasses, kernelInitializer: init() }));
  return model;
}

type Init = () => ReturnType<typeof tf.initializers.glorotUniform>;

function addMlp(model: tf.Sequential, spec: MlpModel, params: TrialParams, shape: ModelShape, init: Init): void {
  model.add(tf.layers.inputLayer({ inputShape: shape.inputShape }));
  if (shape.inputShape.length > 1) model.add(tf.layers.flatten());
  for (const units of spec.hidden) {
    model.add(tf.layers.dense({ units, activation: spec.activation, kernelInitializer: init() }));
    if (spec.dropout > 0) model.add(new SeededDropout(spec.dropout, deriveSeed(params.seed, 15485863, model.layers.length)));
  }
}

/**
 * Dropout whose masks are reproducible from the trial's seed and still differ at every step. tfjs' own
 * dropout layer with a `seed` draws the same mask at every call (the seed fixes the random stream), and
 * without one it is not reproducible.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'EpochlabSeededDropout';
  private calls = 0;

  constructor(readonly rate: number, private readonly baseSeed: number) {
    super({});
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    this.calls++;
    return tf.dropout(x, this.rate, undefined, deriveSeed(this.baseSeed, this.calls));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

function addCnn(model: tf.Sequential, spec: CnnModel, params: TrialParams, shape: ModelShape, init: Init): void {
  if (shape.inputShape.length !== 3) {
    throw new ModelSpecError(`the CNN template needs image samples [height, width, channels]; this dataset has shape [${shape.inputShape.join(', ')}]`);
  }
  const kernelSize = params.kernelSize ?? CNN_PARAM_DEFAULTS.kernelSize;
  const pooling = params.pooling ?? CNN_PARAM_DEFAULTS.pooling;
  const poolSize = params.poolSize ?? CNN_PARAM_DEFAULTS.poolSize;
  let [height, width] = shape.inputShape;
  let filters = params.filters ?? CNN_PARAM_DEFAULTS.filters;
  for (let block = 0; block < spec.convBlocks; block++) {
    model.add(tf.layers.conv2d({
      ...(block === 0 ? { inputShape: shape.inputShape } : {}),
      filters,
      kernelSize,
      strides: spec.stride,
      padding: spec.padding,
      activation: spec.batchNorm ? 'linear' : spec.activation,
      useBias: !spec.batchNorm,
      kernelInitializer: init(),
    }));
    [height, width] = [convOut(height, kernelSize, spec.stride, spec.padding), convOut(width, kernelSize, spec.stride, spec.padding)];
    if (height < 1 || width < 1) {
      throw new ModelSpecError(`conv block ${block + 1} (kernel ${kernelSize}, stride ${spec.stride}, ${spec.padding}) leaves no pixels; use fewer blocks, a smaller kernel or 'same' padding`);
    }
    if (spec.batchNorm) {
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: spec.activation }));
    }
    // A pool larger than what is left would produce an empty map: skip it rather than fail the trial.
    if (pooling !== 'none' && height >= poolSize && width >= poolSize) {
      const layer = pooling === 'max' ? tf.layers.maxPooling2d : tf.layers.averagePooling2d;
      model.add(layer({ poolSize, strides: poolSize, padding: 'valid' }));
      height = Math.floor(height / poolSize);
      width = Math.floor(width / poolSize);
    }
    filters *= spec.filterGrowth;
  }
  model.add(tf.layers.flatten());
  for (const units of spec.dense) {
    model.add(tf.layers.dense({ units, activation: spec.activation, kernelInitializer: init() }));
    if (spec.dropout > 0) model.add(new SeededDropout(spec.dropout, deriveSeed(params.seed, 15485863, model.layers.length)));
  }
}

function convOut(size: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

/** Kernels (not biases, not batch-norm parameters) are what weight decay applies to. */
export function decayedWeights(model: tf.LayersModel): tf.LayerVariable[] {
  return model.trainableWeights.filter((w) => /kernel/.test(w.name));
}
