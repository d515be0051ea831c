// Add/Sub/Multiply/RealDiv with a row-broadcast operand (ours) and the shapes left to the stock
// kernels, against cpu; forward and through tf.grads, since the bias gradient flows back through them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { both, printReport, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('binary ops'));

const SHAPES: Array<[number[], number[]]> = [
  [[4, 6, 5, 8], [8]], // conv bias
  [[7, 10], [10]], // dense bias
  [[3, 5, 7], [5, 7]], // several trailing axes
  [[9], [2, 3, 9]], // reversed: the broadcast operand comes first
  [[2, 3, 5], [1, 1, 5]], // leading ones
  [[2, 3], [2, 3]], // same shape: stock
  [[2, 3], []], // scalar: stock
  [[2, 3], [2, 1]], // column broadcast: stock
];
const OPS = ['add', 'sub', 'mul', 'div'] as const;

describe.each(OPS)('%s', (op) => {
  for (const [a, b] of SHAPES) {
    const name = `${op} [${a}] ∘ [${b}]`;
    it(name, async () => {
      // Keep divisors away from 0 so that the comparison measures rounding, not blow-ups.
      const rhs = (s: number[], seed: number) => (op === 'div' ? tf.add(tf.abs(tensor(s, seed)), 0.5) : tensor(s, seed));
      const d = await both(name, () => {
        const x = tensor(a, 1);
        const y = rhs(b, 2);
        const f = (p: TF.Tensor, q: TF.Tensor) => tf.sum(tf.mul(tf[op](p, q), tensor(tf.broadcastTo(tf.zeros(a), tf[op](x, y).shape).shape, 3)));
        return [tf[op](x, y), ...tf.grads(f)([x, y])];
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
    });
  }
});
