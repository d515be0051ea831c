// The relaxed-SIMD kernel build (fused multiply-add in the products) against cpu: the committed binary,
// then every kernel that multiplies — the GEMM tiles (4×8, 1×8, 1×4 and their edges), dense layers,
// the direct convolution forward and its stride-1 input gradient, and a whole conv + dense gradient.
// Node 20 validates relaxed SIMD only behind a V8 flag; useKernelBuild('relaxed') turns it on.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import {
  KERNELS_RELAXED_WASM_BASE64, KERNELS_RELAXED_WASM_SHA256, KERNELS_WASM_BASE64,
} from '../../../../src-main/engine/backends/simd/kernels-wasm';
import { kernelBuild, relaxedSimdSupported, useKernelBuild } from '../../../../src-main/engine/backends/wasm-kernels/simd';
import { wasmApi } from '../../../../src-main/engine/backends/wasm-kernels/wasm-api';
import { both, compare, printReport, setupBackends, tensor, tf } from '../helpers';

const dir = join(__dirname, '../../../../src-main/engine/backends/simd');
const previous = kernelBuild();

beforeAll(async () => {
  await setupBackends();
  useKernelBuild('relaxed');
});
afterAll(() => {
  useKernelBuild(previous);
  printReport('relaxed-SIMD kernels');
});

describe('simd/kernels-relaxed.wasm', () => {
  it('kernels-wasm.ts embeds the committed kernels-relaxed.wasm (rebuild with simd/build.mjs)', () => {
    const file = readFileSync(join(dir, 'kernels-relaxed.wasm'));
    expect(Buffer.from(KERNELS_RELAXED_WASM_BASE64, 'base64').equals(file)).toBe(true);
    expect(createHash('sha256').update(file).digest('hex')).toBe(KERNELS_RELAXED_WASM_SHA256);
  });

  it('runs here, imports only a memory and exports what the SIMD build exports', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(kernelBuild()).toBe('relaxed');
    const relaxed = new wasmApi.Module(Buffer.from(KERNELS_RELAXED_WASM_BASE64, 'base64'));
    const simd = new wasmApi.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    expect(wasmApi.Module.imports(relaxed)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(wasmApi.Module.exports(relaxed)).toEqual(wasmApi.Module.exports(simd));
  });

  it('is not the SIMD build (the products use relaxed_madd)', () => {
    expect(KERNELS_RELAXED_WASM_BASE64).not.toBe(KERNELS_WASM_BASE64);
  });
});

describe('relaxed-SIMD kernels against cpu', () => {
  // Row and column counts on and off the 4×8 tile, so every tile and edge path multiplies.
  const PRODUCTS: Array<[number, number, number]> = [[13, 17, 9], [128, 33, 10], [4, 64, 8], [7, 3, 12], [1, 5, 1], [9, 40, 21]];
  for (const [m, k, n] of PRODUCTS) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true]] as const) {
      const name = `matMul [${m}×${k}]${ta ? 'ᵀ' : ''}·[${k}×${n}]${tb ? 'ᵀ' : ''}`;
      it(name, async () => {
        const d = await both(`relaxed ${name}`, () => {
          const a = ta ? tensor([k, m], 1) : tensor([m, k], 1);
          const b = tb ? tensor([n, k], 2) : tensor([k, n], 2);
          return [
            tf.matMul(a, b, ta, tb),
            tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias: tensor([n], 3), activation: 'relu' }),
          ];
        });
        expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(1e-6);
      });
    }
  }

  const CONVS: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; pad: 'same' | 'valid' }> = [
    { x: [1, 5, 5, 1], f: [3, 3, 1, 4], pad: 'valid' },
    { x: [3, 9, 7, 8], f: [3, 3, 8, 16], pad: 'same' },
    { x: [2, 6, 5, 5], f: [5, 5, 5, 3], pad: 'same' },
    { x: [2, 6, 6, 4], f: [3, 3, 4, 20], pad: 'valid' },
  ];
  for (const c of CONVS) {
    const name = `conv2d x[${c.x}] f[${c.f}] ${c.pad}, forward and gradients`;
    it(name, async () => {
      const d = await both(`relaxed ${name}`, () => {
        const x = tensor(c.x, 1) as TF.Tensor4D;
        const f = tensor(c.f, 2) as TF.Tensor4D;
        const bias = tensor([c.f[3]], 3);
        const y = tf.fused.conv2d({ x, filter: f, strides: 1, pad: c.pad, bias, activation: 'relu' });
        const dy = tensor(y.shape, 7);
        const grads = tf.grads((xx: TF.Tensor, ff: TF.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(xx as TF.Tensor4D, ff as TF.Tensor4D, 1, c.pad), dy)))([x, f]);
        return [y, ...grads];
      });
      expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
    });
  }

  it('a conv + dense model: loss gradients for every weight', async () => {
    const gradients = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const init = (seed: number) => tf.initializers.glorotUniform({ seed });
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(2) }),
          tf.layers.dense({ units: 5, kernelInitializer: init(3) }),
        ],
      });
      const outs = tf.tidy(() => {
        const x = tensor([6, 10, 10, 2], 4);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32'), 5);
        const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
        const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as TF.Tensor) as TF.Scalar, vars);
        return vars.map((v) => grads[v.name]);
      });
      const arrays = outs.map((t) => Float32Array.from(t.dataSync()));
      tf.dispose(outs);
      model.dispose();
      return arrays;
    };
    const cpu = await gradients('cpu');
    const d = compare('relaxed conv + dense gradients', await gradients('wasm'), cpu);
    expect(d.rel, `max abs diff ${d.maxAbs}`).toBeLessThan(2e-6);
  });
});
