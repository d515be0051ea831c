// Pooling gradients on wasm (ours) against tfjs' cpu kernels: disjoint, overlapping and padded windows,
// channel counts on and off the SIMD width, batch 1, and ties (a ReLU output full of zeros), where the
// max-pool gradient must go to the same input as on cpu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { both, printReport, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('pool kernels'));

const CASES: Array<{ x: [number, number, number, number]; p: number | [number, number]; s: number | [number, number]; pad: 'same' | 'valid' }> = [
  { x: [2, 8, 8, 8], p: 2, s: 2, pad: 'valid' }, // disjoint, tiles exactly
  { x: [1, 11, 9, 16], p: 2, s: 2, pad: 'valid' }, // disjoint, leaves a border
  { x: [2, 7, 9, 3], p: 3, s: 2, pad: 'same' }, // overlapping, padded, channel tail
  { x: [1, 6, 6, 5], p: 3, s: 1, pad: 'same' },
  { x: [3, 5, 7, 1], p: [2, 3], s: [1, 2], pad: 'valid' },
  { x: [2, 9, 9, 6], p: 3, s: 3, pad: 'same' },
];

for (const c of CASES) {
  const name = `x[${c.x}] pool ${c.p} stride ${c.s} ${c.pad}`;
  describe(name, () => {
    // ReLU makes about half the inputs 0, so many windows have tied maxima.
    const input = () => tf.relu(tensor(c.x, 11)) as TF.Tensor4D;
    const dyOf = (y: TF.Tensor) => tensor(y.shape, 12);

    it('MaxPoolGrad', async () => {
      const d = await both(`MaxPoolGrad ${name}`, () => {
        const x = input();
        const y = tf.maxPool(x, c.p, c.s, c.pad);
        return tf.engine().runKernel('MaxPoolGrad', { dy: dyOf(y), input: x, output: y }, { filterSize: c.p, strides: c.s, pad: c.pad }) as TF.Tensor;
      });
      // Disjoint windows only route dy values, so the results must be identical; overlapping ones add
      // up several dy in an order that may differ from cpu's.
      const [ph, pw] = typeof c.p === 'number' ? [c.p, c.p] : c.p;
      const [sh, sw] = typeof c.s === 'number' ? [c.s, c.s] : c.s;
      if (sh >= ph && sw >= pw) expect(d.maxAbs).toBe(0);
      else expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
    });

    it('AvgPoolGrad', async () => {
      const d = await both(`AvgPoolGrad ${name}`, () => {
        const x = input();
        const y = tf.avgPool(x, c.p, c.s, c.pad);
        return tf.engine().runKernel('AvgPoolGrad', { dy: dyOf(y), input: x }, { filterSize: c.p, strides: c.s, pad: c.pad }) as TF.Tensor;
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
    });

    it('max and average pooling under tf.grad', async () => {
      const d = await both(`tf.grad(maxPool + avgPool) ${name}`, () => {
        const f = (x: TF.Tensor) => {
          const a = tf.maxPool(x as TF.Tensor4D, c.p, c.s, c.pad);
          const b = tf.avgPool(x as TF.Tensor4D, c.p, c.s, c.pad);
          return tf.add(tf.sum(tf.mul(a, dyOf(a))), tf.sum(tf.mul(b, dyOf(b))));
        };
        return tf.grad(f)(input());
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
    });
  });
}
