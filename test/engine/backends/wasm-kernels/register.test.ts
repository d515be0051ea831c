// Training on wasm end to end, against cpu: gradients of a small MLP and CNN built from every layer,
// activation and loss the templates offer, one optimizer step of each optimizer, and a few steps that
// must lower the loss. Also: registration is idempotent and wraps the stock kernels only once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { OPTIMIZERS, type Optimizer } from '../../../../src-main/contract/spec';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../../../../src-main/engine/backends/wasm-kernels/register';
import { compare, printReport, setupBackends, tensor, tf, values } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('training'));

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** MLP template: dense layers, every activation, dropout (seeded, so both backends drop the same units), L2. */
function mlp(): TF.Sequential {
  const l2 = tf.regularizers.l2({ l2: 1e-3 });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu', kernelInitializer: init(1), kernelRegularizer: l2 }),
      tf.layers.dropout({ rate: 0.25, seed: 7 }),
      tf.layers.dense({ units: 12, activation: 'tanh', kernelInitializer: init(2), kernelRegularizer: l2 }),
      tf.layers.dense({ units: 10, activation: 'sigmoid', kernelInitializer: init(3) }),
      tf.layers.dense({ units: 8, activation: 'elu', kernelInitializer: init(4) }),
      tf.layers.dense({ units: 6, activation: 'selu', kernelInitializer: init(5) }),
      tf.layers.dense({ units: 4, activation: 'linear', kernelInitializer: init(6) }),
    ],
  });
}

/** CNN template: strided 'same' conv, batch norm, max and average pooling, 'valid' conv, dense head. */
function cnn(): TF.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [13, 13, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(11) }),
      tf.layers.batchNormalization({}),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 2, padding: 'valid', activation: 'tanh', kernelInitializer: init(12) }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(13) }),
      tf.layers.dropout({ rate: 0.2, seed: 3 }),
      tf.layers.dense({ units: 4, kernelInitializer: init(14) }),
    ],
  });
}

const BATCH = 6;
function data(model: TF.Sequential): { x: TF.Tensor; y: TF.Tensor } {
  const shape = [BATCH, ...(model.inputs[0].shape.slice(1) as number[])];
  const labels = Array.from(values(BATCH, 9), (v) => Math.floor((v + 1) * 2) % 4);
  return { x: tensor(shape, 8), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 4) };
}

function loss(model: TF.Sequential, x: TF.Tensor, y: TF.Tensor): TF.Scalar {
  const logits = model.apply(x, { training: true }) as TF.Tensor;
  // Regularizer penalties live on the layers (model.losses is empty for a Sequential in tfjs 4.22).
  const penalties = model.layers.flatMap((l) => l.calculateLosses());
  const reg = penalties.length > 0 ? tf.addN(penalties) : tf.scalar(0);
  return tf.add(tf.losses.softmaxCrossEntropy(y, logits), reg) as TF.Scalar;
}

const leaks: Record<string, number> = {};

/**
 * Builds the model on a backend, runs `f`, returns the arrays and disposes everything it made. tfjs'
 * optimizers keep a few constants after dispose(), so what we check is that wasm leaves exactly as
 * many tensors behind as cpu does (our kernels share and free buffers by reference counts).
 */
async function withModel(backend: 'cpu' | 'wasm', build: () => TF.Sequential, f: (m: TF.Sequential) => TF.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const model = build();
  const outs = f(model);
  const arrays = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  model.dispose();
  leaks[backend] = tf.memory().numTensors - before;
  if (backend === 'wasm') expect(leaks.wasm, 'tensors left behind on wasm vs cpu').toBe(leaks.cpu);
  return arrays;
}

function gradsOf(model: TF.Sequential): TF.Tensor[] {
  return tf.tidy(() => {
    const { x, y } = data(model);
    const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
    const { value, grads } = tf.variableGrads(() => loss(model, x, y), vars);
    return [value, ...vars.map((v) => grads[v.name])];
  });
}

describe('gradients on wasm match cpu', () => {
  for (const [name, build] of [['MLP', mlp], ['CNN', cnn]] as const) {
    it(`${name}: loss and the gradient of every weight`, async () => {
      const cpu = await withModel('cpu', build, gradsOf);
      const wasm = await withModel('wasm', build, gradsOf);
      const d = compare(`${name} loss + gradients`, wasm, cpu);
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-5);
      expect(wasm.slice(1).every((g) => g.some((v) => v !== 0))).toBe(true); // every layer gets a gradient
    });
  }
});

function optimizer(name: Optimizer): TF.Optimizer {
  switch (name) {
    case 'sgd': return tf.train.sgd(0.05);
    case 'momentum': return tf.train.momentum(0.05, 0.9);
    case 'rmsprop': return tf.train.rmsprop(0.01);
    case 'adam': return tf.train.adam(0.01);
    case 'adagrad': return tf.train.adagrad(0.05);
    case 'adadelta': return tf.train.adadelta(1);
    case 'adamax': return tf.train.adamax(0.01);
  }
}

/** Losses of `steps` updates, then the trained weights. */
function train(name: Optimizer, steps: number) {
  return (model: TF.Sequential): TF.Tensor[] => {
    const opt = optimizer(name);
    const { x, y } = data(model);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const l = opt.minimize(() => loss(model, x, y), true) as TF.Scalar;
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    const out = [tf.tensor1d(losses), ...model.trainableWeights.map((w) => tf.clone(w.read()))];
    tf.dispose([x, y]);
    opt.dispose();
    return out;
  };
}

describe('every optimizer trains on wasm', () => {
  for (const name of OPTIMIZERS) {
    it(`${name}: same weights as cpu after 4 steps, and a lower loss`, async () => {
      const cpu = await withModel('cpu', mlp, train(name, 4));
      const wasm = await withModel('wasm', mlp, train(name, 4));
      const d = compare(`${name}: MLP after 4 steps`, wasm, cpu);
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-4);
      const losses = wasm[0];
      expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    });
  }

  it('adam on the CNN: same weights as cpu after 3 steps', async () => {
    const cpu = await withModel('cpu', cnn, train('adam', 3));
    const wasm = await withModel('wasm', cnn, train('adam', 3));
    const d = compare('adam: CNN after 3 steps', wasm, cpu);
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-4);
  });
});

describe('registration', () => {
  it('is idempotent: registering again keeps one wrapper around each stock kernel', async () => {
    const before = Object.keys(WASM_TRAINING_KERNELS).map((k) => tf.getKernel(k, 'wasm').kernelFunc);
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    const after = Object.keys(WASM_TRAINING_KERNELS).map((k) => tf.getKernel(k, 'wasm').kernelFunc);
    expect(after).toEqual(before);
    // Still computes (a wrapper delegating to itself would recurse forever).
    await tf.setBackend('wasm');
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true);
    expect(Array.from(y.dataSync())).toEqual([3, 3, 3, 3]);
    y.dispose();
  });

  it('can be undone: stock wasm cannot train a convolution, ours can again afterwards', async () => {
    await tf.setBackend('wasm');
    const grad = () => tf.tidy(() => tf.grad((w) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as TF.Tensor4D, w as TF.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 1])).dataSync());
    unregisterWasmTrainingKernels();
    try {
      expect(grad).toThrow(/Conv2DBackpropFilter/);
    } finally {
      registerWasmTrainingKernels();
    }
    expect(Array.from(grad())).toEqual(new Array(9).fill(4));
  });

  it('adds the kernels training needs that stock wasm lacks', () => {
    for (const [name, { kind }] of Object.entries(WASM_TRAINING_KERNELS)) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
      // Added: the gradients stock wasm lacks, and our own kernels (named Epochlab…) for the fused ops.
      if (kind === 'added' && !name.startsWith('Epochlab')) {
        expect(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']).toContain(name);
      }
    }
  });
});
