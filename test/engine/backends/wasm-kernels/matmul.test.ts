// BatchMatMul and _FusedMatMul with every transpose combination, batched and broadcast, against cpu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { both, printReport, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('matmul'));

const SHAPES: Array<[number[], number[]]> = [
  [[13, 17], [17, 9]],
  [[1, 5], [5, 1]],
  [[3, 6, 4], [3, 4, 5]], // batched
  [[2, 6, 4], [4, 7]], // broadcast b
];

function operand(shape: number[], transposed: boolean, seed: number): TF.Tensor {
  const r = shape.length;
  const s = transposed ? [...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]] : shape;
  return tensor(s, seed);
}

describe('BatchMatMul', () => {
  for (const [a, b] of SHAPES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const name = `[${a}]${ta ? 'ᵀ' : ''} · [${b}]${tb ? 'ᵀ' : ''}`;
        it(name, async () => {
          const d = await both(`matMul ${name}`, () => tf.matMul(operand(a, ta, 1), operand(b, tb, 2), ta, tb));
          expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
        });
      }
    }
  }

  it('dense-layer gradients (the transposed products of backprop)', async () => {
    const d = await both('tf.grads(matMul) 32×20·20×7', () => {
      const f = (x: TF.Tensor, w: TF.Tensor) => tf.sum(tf.mul(tf.matMul(x, w), tensor([32, 7], 3)));
      return tf.grads(f)([tensor([32, 20], 1), tensor([20, 7], 2)]);
    });
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
  });
});

describe('_FusedMatMul', () => {
  // linear/relu/relu6 go through our epilogue, elu/sigmoid/leakyrelu/prelu through the stock kernel.
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const name = `${activation} transposeA ${ta} transposeB ${tb}`;
      it(name, async () => {
        const d = await both(`fused.matMul ${name}`, () =>
          tf.fused.matMul({
            a: operand([11, 6], ta, 1), b: operand([6, 5], tb, 2), transposeA: ta, transposeB: tb, bias: tensor([5], 3), activation,
            preluActivationWeights: activation === 'prelu' ? tensor([5], 4) : undefined, leakyreluAlpha: 0.1,
          }),
        );
        expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
      });
    }
  }
});

describe('XNNPACK keeps the products whose weights it has packed', () => {
  it('the same B twice gives the same result either way', async () => {
    const d = await both('matMul with a reused B', () => {
      const b = tensor([30, 20], 2);
      const first = tf.matMul(tensor([9, 30], 1), b);
      const second = tf.matMul(tensor([9, 30], 1), b); // second sight of b: the stock kernel
      return [first, second, tf.fused.matMul({ a: tensor([9, 30], 1), b: tensor([30, 20], 3), bias: tensor([1, 20], 5) })];
    });
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
  });

  it('one buffer used as B with two shapes never meets a stale XNNPACK operator', async () => {
    const d = await both('matMul with B reshaped between uses', () => {
      const b = tensor([6, 8], 2);
      const b2 = tf.reshape(b, [12, 4]); // same buffer
      return [
        tf.matMul(tensor([3, 6], 1), b), tf.matMul(tensor([3, 6], 1), b), // second: XNNPACK, packs [6, 8]
        tf.matMul(tensor([5, 12], 3), b2), tf.matMul(tensor([5, 12], 3), b2), // must not reuse that
      ];
    });
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
  });

  it('a bias and an empty product', async () => {
    const d = await both('matMul edge shapes', () => [
      tf.fused.matMul({ a: tensor([3, 0], 1), b: tensor([0, 4], 2), bias: tensor([4], 3) }),
      tf.matMul(tensor([0, 3], 1), tensor([3, 2], 2)),
    ]);
    expect(d.maxAbs).toBe(0);
  });
});
