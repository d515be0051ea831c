// Convolution gradient kernels on wasm (ours) against tfjs' cpu kernels, on odd shapes, strides 1–3,
// 'same'/'valid'/numeric padding, batch 1, channel counts on and off the SIMD widths, and with the batch
// cut into several chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { convOptions } from '../../../../src-main/engine/backends/wasm-kernels/register';
import { both, compare, printReport, runOn, setupBackends, tensor, tf } from '../helpers';

beforeAll(setupBackends);
afterAll(() => printReport('conv kernels'));

type Pad = 'same' | 'valid' | number;
const CASES: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; pad: Pad }> = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 4], s: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
  { x: [3, 9, 7, 8], f: [3, 3, 8, 16], s: 1, pad: 'same' },
  { x: [2, 8, 8, 4], f: [2, 2, 4, 8], s: 2, pad: 'valid' },
  { x: [2, 6, 5, 5], f: [5, 5, 5, 3], s: 1, pad: 'same' },
  { x: [1, 10, 11, 6], f: [4, 4, 6, 7], s: 3, pad: 'same' },
  { x: [2, 6, 6, 4], f: [3, 3, 4, 20], s: 1, pad: 1 },
  { x: [2, 5, 6, 4], f: [2, 2, 4, 4], s: 1, pad: 3 }, // padding ≥ filter: no convolution form, im2col path
];

function label(c: (typeof CASES)[number]): string {
  return `x[${c.x}] f[${c.f}] s${c.s} pad ${c.pad}`;
}

/** dy of the convolution's output shape, so both kernels see exactly what a backward pass gives them. */
function dyFor(c: (typeof CASES)[number]): TF.Tensor4D {
  const y = tf.conv2d(tf.zeros(c.x) as TF.Tensor4D, tf.zeros(c.f) as TF.Tensor4D, c.s, c.pad);
  return tensor(y.shape, 7) as TF.Tensor4D;
}

describe('Conv2D and FusedConv2D (our direct convolution)', () => {
  for (const c of CASES) {
    it(label(c), async () => {
      const d = await both(`Conv2D ${label(c)}`, () => {
        const x = tensor(c.x, 1) as TF.Tensor4D;
        const f = tensor(c.f, 2) as TF.Tensor4D;
        const bias = tensor([c.f[3]], 3);
        return [
          tf.conv2d(x, f, c.s, c.pad),
          tf.fused.conv2d({ x, filter: f, strides: c.s, pad: c.pad, bias, activation: 'relu' }),
          tf.fused.conv2d({ x, filter: f, strides: c.s, pad: c.pad, bias }),
          tf.fused.conv2d({ x, filter: f, strides: c.s, pad: c.pad, activation: 'relu' }),
        ];
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
    });
  }
  it('dilated, and what stays with the stock kernel (elu, prelu)', async () => {
    const d = await both('Conv2D dilated / stock fallbacks', () => {
      const x = tensor([2, 9, 8, 3], 1) as TF.Tensor4D;
      const f = tensor([3, 3, 3, 5], 2) as TF.Tensor4D;
      return [
        tf.conv2d(x, f, 1, 'same', 'NHWC', 2),
        tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'valid', dilations: [2, 1], bias: tensor([5], 3), activation: 'relu' }),
        tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias: tensor([5], 3), activation: 'elu' }),
        tf.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', activation: 'prelu', preluActivationWeights: tensor([5], 4) }),
      ];
    });
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
  });
});

describe('Conv2DBackpropFilter (missing on stock wasm)', () => {
  for (const c of CASES) {
    for (const chunk of [1 << 16, 40]) {
      it(`${label(c)}${chunk < 1000 ? ', one image per chunk' : ''}`, async () => {
        convOptions.filterChunkFloats = chunk;
        try {
          const d = await both(`Conv2DBackpropFilter ${label(c)} chunk ${chunk}`, () =>
            tf.engine().runKernel('Conv2DBackpropFilter', { x: tensor(c.x, 1), dy: dyFor(c) }, {
              strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f,
            }) as TF.Tensor,
          );
          expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
        } finally {
          convOptions.filterChunkFloats = 1 << 16;
        }
      });
    }
  }
});

describe('Conv2DBackpropInput (scalar on stock wasm)', () => {
  for (const c of CASES) {
    for (const mode of ['auto', 'gemm'] as const) {
      it(`${label(c)} via ${mode}`, async () => {
        convOptions.inputGrad = mode;
        convOptions.chunkFloats = mode === 'gemm' ? 50 : 1 << 20; // several chunks on the im2col path
        try {
          const d = await both(`Conv2DBackpropInput ${label(c)} ${mode}`, () =>
            tf.engine().runKernel('Conv2DBackpropInput', { dy: dyFor(c), filter: tensor(c.f, 2) }, {
              strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
            }) as TF.Tensor,
          );
          expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
        } finally {
          convOptions.inputGrad = 'auto';
          convOptions.chunkFloats = 1 << 20;
        }
      });
    }
  }

  it('refuses NCHW data rather than computing garbage', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.tidy(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.zeros([1, 1, 3, 3]), filter: tf.zeros([3, 3, 1, 1]) }, {
        strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 1, 3, 3],
      })),
    ).toThrow(/NHWC/);
  });
});

describe('conv2d and its gradients through tf.grads', () => {
  for (const c of CASES) {
    it(label(c), async () => {
      const d = await both(`conv2d + tf.grads(conv2d) ${label(c)}`, () => {
        const x = tensor(c.x, 3) as TF.Tensor4D;
        const w = tensor(c.f, 4) as TF.Tensor4D;
        const dy = dyFor(c);
        const f = (a: TF.Tensor, b: TF.Tensor) => tf.sum(tf.mul(tf.conv2d(a as TF.Tensor4D, b as TF.Tensor4D, c.s, c.pad as 'same'), dy));
        return [tf.conv2d(x, w, c.s, c.pad as 'same'), ...tf.grads(f)([x, w])];
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
    });
  }
});

describe('depthwise gradients (missing on stock wasm)', () => {
  const DW: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; pad: Pad; dil: number }> = [
    { x: [2, 7, 7, 3], f: [3, 3, 3, 2], s: 1, pad: 'same', dil: 1 },
    { x: [1, 8, 8, 4], f: [3, 3, 4, 1], s: 2, pad: 'valid', dil: 1 },
    { x: [2, 9, 8, 5], f: [2, 3, 5, 1], s: 1, pad: 'same', dil: 2 },
  ];
  // tfjs' cpu kernels ignore dilation in their index arithmetic (tfjs refuses gradients of dilated
  // convolutions anyway), so the reference for a dilated filter is the cpu kernel on the same filter
  // spread out with zeros — the convolution it is equivalent to — read back at the taps.
  const spread = (f: [number, number, number, number], d: number): [number, number, number, number] => [(f[0] - 1) * d + 1, (f[1] - 1) * d + 1, f[2], f[3]];
  function spreadFilter(w: TF.Tensor4D, d: number): TF.Tensor4D {
    if (d === 1) return w;
    const [kh, kw, c, q] = w.shape;
    const big = spread([kh, kw, c, q], d);
    const vals = w.arraySync();
    const out = tf.buffer(big);
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let a = 0; a < c; a++) for (let b = 0; b < q; b++) out.set(vals[i][j][a][b], i * d, j * d, a, b);
    return out.toTensor() as TF.Tensor4D;
  }
  const taps = (g: TF.Tensor4D, d: number): TF.Tensor => (d === 1 ? g : tf.stridedSlice(g, [0, 0, 0, 0], g.shape, [d, d, 1, 1]));

  for (const c of DW) {
    const name = `x[${c.x}] f[${c.f}] s${c.s} ${c.pad} dilation ${c.dil}`;
    const dy = () => {
      const y = tf.depthwiseConv2d(tf.zeros(c.x) as TF.Tensor4D, tf.zeros(c.f) as TF.Tensor4D, c.s, c.pad as 'same', 'NHWC', c.dil);
      return tensor(y.shape, 5);
    };
    it(`DepthwiseConv2dNativeBackpropFilter ${name}`, async () => {
      const cpu = await runOn('cpu', () =>
        taps(tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tensor(c.x, 1), dy: dy() }, {
          strides: c.s, pad: c.pad, dilations: 1, filterShape: spread(c.f, c.dil),
        }) as TF.Tensor4D, c.dil),
      );
      const wasm = await runOn('wasm', () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tensor(c.x, 1), dy: dy() }, {
          strides: c.s, pad: c.pad, dilations: c.dil, filterShape: c.f,
        }) as TF.Tensor,
      );
      const d = compare(`DepthwiseConv2dNativeBackpropFilter ${name}`, wasm, cpu);
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
    });
    it(`DepthwiseConv2dNativeBackpropInput ${name}`, async () => {
      const filter = () => tensor(c.f, 2) as TF.Tensor4D;
      const cpu = await runOn('cpu', () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy(), filter: spreadFilter(filter(), c.dil) }, {
          strides: c.s, pad: c.pad, dilations: 1, inputShape: c.x,
        }) as TF.Tensor,
      );
      const wasm = await runOn('wasm', () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy(), filter: filter() }, {
          strides: c.s, pad: c.pad, dilations: c.dil, inputShape: c.x,
        }) as TF.Tensor,
      );
      const d = compare(`DepthwiseConv2dNativeBackpropInput ${name}`, wasm, cpu);
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
    });
  }
});
