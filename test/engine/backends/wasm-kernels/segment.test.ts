// UnsortedSegmentSum (missing on stock wasm) against cpu, directly and as the gradient of gather.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { both, printReport, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('segments'));

describe('UnsortedSegmentSum', () => {
  it('float32 rows, with ids out of range dropped', async () => {
    const d = await both('unsortedSegmentSum [6,3]', () =>
      tf.unsortedSegmentSum(tensor([6, 3], 1), tf.tensor1d([2, 0, 2, 5, -1, 1], 'int32'), 4),
    );
    expect(d.maxAbs).toBe(0);
  });

  it('int32', async () => {
    const d = await both('unsortedSegmentSum int32', () =>
      tf.cast(tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5], 'int32'), tf.tensor1d([0, 1, 0, 1, 2], 'int32'), 3), 'float32'),
    );
    expect(d.maxAbs).toBe(0);
  });

  it('is the gradient of gather (an embedding lookup)', async () => {
    const d = await both('tf.grad(gather)', () => {
      const table = tensor([10, 4], 2);
      const ids = tf.tensor1d([3, 1, 3, 9, 0, 3], 'int32');
      const f = (t: TF.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), tensor([6, 4], 3)));
      return tf.grad(f)(table);
    });
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
  });
});
