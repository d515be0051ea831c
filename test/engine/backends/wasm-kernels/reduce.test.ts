// Sum and Mean over leading axes (ours), and the shapes we leave to the stock kernels, against cpu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { both, printReport, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('reductions'));

const CASES: Array<{ shape: number[]; axis: number | number[] }> = [
  { shape: [128, 10], axis: 0 }, // dense bias gradient
  { shape: [4, 9, 7, 8], axis: [0, 1, 2] }, // conv bias gradient
  { shape: [3, 5, 6, 13], axis: [2, 1, 0] }, // unsorted axes, odd channel count
  { shape: [1, 4, 4, 3], axis: [0, 1, 2] }, // batch 1
  { shape: [1000, 3], axis: 0 }, // many rows: blocked summation
  { shape: [2, 3, 4], axis: [0, 1] },
  { shape: [2, 3, 4], axis: 1 }, // not leading: stock kernel
  { shape: [2, 3, 4], axis: [0, 2] }, // not a prefix: stock kernel
  { shape: [5, 6], axis: [0, 1] }, // everything: stock kernel
];

describe.each(['sum', 'mean'] as const)('%s', (op) => {
  for (const c of CASES) {
    for (const keepDims of [false, true]) {
      const name = `${op} [${c.shape}] axis ${c.axis}${keepDims ? ' keepDims' : ''}`;
      it(name, async () => {
        const d = await both(name, () => tf[op](tensor(c.shape, 3), c.axis, keepDims));
        expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
      });
    }
  }
  it(`${op} of int32 keeps the stock behaviour`, async () => {
    const d = await both(`${op} int32`, () => tf.cast(tf[op](tf.tensor2d([[1, 2], [3, 4], [5, 7]], [3, 2], 'int32'), 0), 'float32'));
    expect(d.maxAbs).toBe(0);
  });
});
