// Slice (copies only what it returns), Identity and same-type Cast (share the buffer) against cpu, and
// the buffer sharing itself: disposing one of the sharing tensors must not free the other's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { both, printReport, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('copies'));

describe('Slice', () => {
  const CASES: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
    { shape: [50, 12], begin: [10, 0], size: [16, 12] }, // a batch of rows
    { shape: [50, 12], begin: [3, 2], size: [5, 7] }, // rows and columns
    { shape: [6, 5, 4, 3], begin: [1, 1, 0, 0], size: [2, 3, 4, 3] }, // contiguous tail merged
    { shape: [6, 5, 4, 3], begin: [0, 2, 1, 1], size: [6, -1, 2, 1] }, // size -1, strided everywhere
    { shape: [7], begin: [2], size: [4] },
    { shape: [4, 4], begin: [1, 1], size: [0, 2] }, // empty
  ];
  for (const c of CASES) {
    it(`[${c.shape}] begin [${c.begin}] size [${c.size}]`, async () => {
      const d = await both(`slice [${c.shape}] [${c.begin}] [${c.size}]`, () => tf.slice(tensor(c.shape, 1), c.begin, c.size));
      expect(d.maxAbs).toBe(0);
    });
  }
  it('int32 and bool', async () => {
    const d = await both('slice int32/bool', () => {
      const i = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [3, 3], 'int32');
      const b = tf.tensor2d([[true, false, true], [false, true, true], [true, true, false]], [3, 3], 'bool');
      return [tf.cast(tf.slice(i, [1, 1], [2, 2]), 'float32'), tf.cast(tf.slice(b, [0, 1], [3, 2]), 'float32')];
    });
    expect(d.maxAbs).toBe(0);
  });
});

describe('Identity and Cast', () => {
  it('match cpu, including real casts', async () => {
    const d = await both('identity/cast', () => {
      const x = tensor([3, 4], 1);
      return [tf.clone(x), tf.cast(x, 'float32'), tf.cast(tf.cast(tf.mul(x, 10), 'int32'), 'float32')];
    });
    expect(d.maxAbs).toBe(0);
  });

  it('a shared buffer outlives the tensor it came from', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    const z = tf.cast(y, 'float32');
    expect(y.dataId).toBe(x.dataId); // shared, not copied
    expect(z.dataId).toBe(x.dataId);
    x.dispose();
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3]);
    z.dispose();
  });
});
