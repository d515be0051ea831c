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
  for (const activation of ['linear', 'relu'] as const) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const name = `${activation} transposeA ${ta} transposeB ${tb}`;
      it(name, async () => {
        const d = await both(`fused.matMul ${name}`, () =>
          tf.fused.matMul({ a: operand([11, 6], ta, 1), b: operand([6, 5], tb, 2), transposeA: ta, transposeB: tb, bias: tensor([5], 3), activation }),
        );
        expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
      });
    }
  }
});
