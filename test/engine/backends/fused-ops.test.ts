// The fused training ops (one kernel each way on wasm) against the tfjs composites they replace, which
// the same calls run on cpu: dense layers and their three gradients, softmax cross-entropy with the
// batch's accuracy and its gradient, batch rows gathered from a dataset; the training forward pass
// against model.apply; and no tensor left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { conv2d, dense, gatherRows, softmaxCrossEntropyWithStats, type FusedActivation } from '../../../src-main/engine/backends/fused-ops';
import { buildModel } from '../../../src-main/engine/training/model';
import { applyForTraining } from '../../../src-main/engine/training/training-forward';
import { both, printReport, runOn, setupBackends, tensor, tf, values } from './helpers';

beforeAll(setupBackends);
afterAll(() => printReport('fused ops'));

describe('dense (act(x·W + b) and its gradients)', () => {
  const SHAPES: Array<[number, number, number]> = [[13, 17, 9], [1, 5, 1], [128, 33, 10], [6, 8, 16], [7, 3, 12]];
  for (const [M, K, N] of SHAPES) {
    for (const activation of ['linear', 'relu'] as FusedActivation[]) {
      for (const withBias of [true, false]) {
        const name = `[${M}×${K}]·[${K}×${N}] ${activation}${withBias ? ' + bias' : ''}`;
        it(name, async () => {
          const d = await both(`dense ${name}`, () => {
            const x = tensor([M, K], 1);
            const W = tensor([K, N], 2);
            const b = tensor([N], 3);
            const r = tensor([M, N], 4); // a loss that weights every output differently
            const f = (x: TF.Tensor, W: TF.Tensor, b?: TF.Tensor) => tf.sum(tf.mul(dense(x, W, b ?? null, activation), r));
            const y = dense(x, W, withBias ? b : null, activation);
            return [y, ...tf.grads(f)(withBias ? [x, W, b] : [x, W])];
          });
          expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
        });
      }
    }
  }

  it('takes the gradient of the weights only when the input is data (no input gradient computed)', async () => {
    await tf.setBackend('wasm');
    const x = tensor([4, 3], 1);
    const W = tf.variable(tensor([3, 2], 2));
    const { grads } = tf.variableGrads(() => tf.sum(dense(x, W, null, 'relu')) as TF.Scalar, [W]);
    expect(Object.keys(grads)).toEqual([W.name]);
    tf.dispose([x, W, grads[W.name]]);
  });
});

describe('conv2d (act(conv(x, W) + b) and its gradients)', () => {
  const CASES: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; pad: 'same' | 'valid' }> = [
    { x: [2, 9, 9, 1], f: [3, 3, 1, 8], s: 1, pad: 'valid' },
    { x: [3, 8, 7, 8], f: [3, 3, 8, 16], s: 1, pad: 'same' },
    { x: [2, 9, 8, 3], f: [5, 5, 3, 12], s: 1, pad: 'same' },
    { x: [2, 9, 9, 4], f: [3, 3, 4, 6], s: 2, pad: 'same' },
    { x: [1, 10, 11, 5], f: [2, 4, 5, 9], s: 3, pad: 'valid' },
  ];
  for (const c of CASES) {
    for (const activation of ['linear', 'relu'] as FusedActivation[]) {
      for (const withBias of [true, false]) {
        const name = `x[${c.x}] f[${c.f}] s${c.s} ${c.pad} ${activation}${withBias ? ' + bias' : ''}`;
        it(name, async () => {
          const d = await both(`conv2d ${name}`, () => {
            const geometry = { strides: [c.s, c.s] as [number, number], padding: c.pad, dilations: [1, 1] as [number, number] };
            const x = tensor(c.x, 1) as TF.Tensor4D;
            const W = tensor(c.f, 2) as TF.Tensor4D;
            const b = tensor([c.f[3]], 3);
            const y = conv2d(x, W, withBias ? b : null, geometry, activation);
            const r = tensor(y.shape, 4);
            const f = (x: TF.Tensor, W: TF.Tensor, b?: TF.Tensor) => tf.sum(tf.mul(conv2d(x as TF.Tensor4D, W as TF.Tensor4D, b ?? null, geometry, activation), r));
            return [y, ...tf.grads(f)(withBias ? [x, W, b] : [x, W])];
          });
          expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
        });
      }
    }
  }
});

describe('softmax cross-entropy with statistics', () => {
  const CASES: Array<{ name: string; B: number; C: number; labels?: number[]; scale?: number }> = [
    { name: 'B=16, 10 classes', B: 16, C: 10 },
    { name: 'B=1, 3 classes', B: 1, C: 3 },
    { name: 'B=33, 2 classes, large logits', B: 33, C: 2, scale: 80 },
    { name: 'ties (first largest logit wins, as argMax)', B: 4, C: 3, labels: [0, 1, 2, 0], scale: 0 },
  ];
  for (const c of CASES) {
    it(c.name, async () => {
      const labels = c.labels ?? Array.from(values(c.B, 5), (v) => Math.floor((v + 1) * c.C * 0.5) % c.C);
      const d = await both(`xent ${c.name}`, () => {
        const logits = tf.mul(tensor([c.B, c.C], 6), c.scale ?? 3);
        const y = tf.tensor1d(labels, 'int32');
        const { loss, stats } = softmaxCrossEntropyWithStats(logits, y, c.C);
        const g = tf.grad((z: TF.Tensor) => tf.mul(softmaxCrossEntropyWithStats(z, y, c.C).loss, 1.7))(logits);
        return [tf.reshape(loss, [1]), stats, g];
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
    });
  }

  it('reads NaN logits as a NaN loss (what the loop calls divergence)', async () => {
    const [wasm] = await runOn('wasm', () => softmaxCrossEntropyWithStats(tf.tensor2d([[0, NaN], [1, 2]]), tf.tensor1d([0, 1], 'int32'), 2).stats);
    expect(Number.isNaN(wasm[0])).toBe(true);
  });
});

describe('gatherRows', () => {
  const source = values(10 * 6, 3);
  const labels = Int32Array.from({ length: 10 }, (_, i) => i * 3);
  it('rows in a given order, rows in place, float32 and int32', async () => {
    const order = Uint32Array.from([7, 2, 9, 0, 4, 4]);
    const d = await both('gatherRows', () => [
      gatherRows(source, order, 1, 4, [2, 3]),
      gatherRows(source, null, 3, 5, [6]),
      tf.cast(gatherRows(labels, order, 0, 6, []), 'float32'),
      gatherRows(source, order, 6, 0, [6]),
    ]);
    expect(d.maxAbs).toBe(0);
  });
  it('refuses rows outside the source', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      expect(() => gatherRows(source, null, 8, 3, [6])).toThrow(/outside/);
      expect(() => gatherRows(source, Uint32Array.from([1, 10]), 0, 2, [6])).toThrow(/outside/);
    }
  });
});

describe('applyForTraining', () => {
  const MODELS = {
    'MLP with dropout, relu': { template: 'mlp', hidden: [16, 8], activation: 'relu', dropout: 0.3 },
    'MLP, tanh (not fused)': { template: 'mlp', hidden: [12], activation: 'tanh', dropout: 0 },
    'CNN with batch norm': { template: 'cnn', convBlocks: 2, filterGrowth: 2, stride: 1, padding: 'same', batchNorm: true, activation: 'relu', dense: [16], dropout: 0.2 },
  } as const;
  for (const [name, spec] of Object.entries(MODELS)) {
    it(`${name}: the same logits and gradients as model.apply`, async () => {
      const shape = spec.template === 'mlp' ? [20] : [12, 12, 1];
      const labels = tf.tidy(() => tf.tensor1d(Array.from(values(8, 2), (v) => Math.floor((v + 1) * 5) % 3), 'int32'));
      const x = tensor([8, ...shape], 1);
      const run = (forward: (m: TF.LayersModel, x: TF.Tensor) => TF.Tensor) => () => {
        // A fresh model per run: the same seed gives the same weights and the same dropout masks.
        const model = buildModel(spec as never, { seed: 3, filters: 4, kernelSize: 3, pooling: 'max', poolSize: 2 } as never, { inputShape: shape, numClasses: 3 });
        const { value, grads } = tf.variableGrads(() => softmaxCrossEntropyWithStats(forward(model, x), labels, 3).loss);
        const out = [tf.reshape(value, [1]), ...Object.values(grads), ...model.getWeights().map((w) => tf.clone(w))];
        model.dispose();
        return out;
      };
      for (const backend of ['wasm', 'cpu'] as const) {
        const reference = await runOn(backend, run((m, t) => m.apply(t, { training: true }) as TF.Tensor));
        const fused = await runOn(backend, run(applyForTraining));
        let maxAbs = 0;
        reference.forEach((r, k) => r.forEach((v, i) => { maxAbs = Math.max(maxAbs, Math.abs(v - fused[k][i])); }));
        expect(maxAbs, `${backend}: max abs diff`).toBeLessThan(1e-5);
      }
      tf.dispose([x, labels]);
    });
  }
});
