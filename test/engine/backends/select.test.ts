// Backend discovery and selection: what loads on this machine (no tfjs-node here: it needs a download
// at install time), the order 'auto' follows, and that a forced backend fails loudly with its reason.
import { describe, expect, it } from 'vitest';
import type { Tensor4D } from '@tensorflow/tfjs';
import { BACKEND_NAMES } from '../../../src-main/contract/records';
import { backendMemoryBytes, getTf, initBackend, probeBackends, registerWasmTrainingKernels } from '../../../src-main/engine/backends/select';
import { nodeRequire } from '../../../src-main/engine/backends/node-require';

/** Whether a package resolves here; the tests adapt to a machine that does have tfjs-node. */
function installed(pkg: string): boolean {
  try {
    nodeRequire().resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}
const hasNode = installed('@tensorflow/tfjs-node');
const hasNodeGpu = installed('@tensorflow/tfjs-node-gpu');

describe('probeBackends', () => {
  it('lists every backend in order of preference, with a reason for each unavailable one', async () => {
    const probes = await probeBackends();
    expect(probes.map((p) => p.name)).toEqual([...BACKEND_NAMES]);
    for (const p of probes) {
      if (!p.available) expect(p.reason, p.name).toMatch(/\S/);
    }
    const byName = Object.fromEntries(probes.map((p) => [p.name, p]));
    expect(byName.wasm.available).toBe(true);
    expect(byName.wasm.version).toBe('4.22.0');
    expect(byName.cpu.available).toBe(true);
  });

  it.skipIf(hasNode)('reports tfjs-node as not installed, saying so', async () => {
    const probes = await probeBackends();
    const node = probes.find((p) => p.name === 'tensorflow');
    expect(node?.available).toBe(false);
    expect(node?.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
  });

  it.skipIf(hasNodeGpu)('reports tfjs-node-gpu as not installed, saying so', async () => {
    const gpu = (await probeBackends()).find((p) => p.name === 'tensorflow-gpu');
    expect(gpu?.available).toBe(false);
    expect(gpu?.reason).toMatch(/@tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('does not change the active backend', async () => {
    await initBackend('cpu');
    await probeBackends();
    expect(getTf().getBackend()).toBe('cpu');
  });
});

describe('initBackend', () => {
  it.skipIf(hasNode || hasNodeGpu)("'auto' falls back to wasm here, with the training kernels", async () => {
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.version).toBe('4.22.0');
    expect(info.device).toMatch(/^CPU \(wasm SIMD, 1 thread\)/);
    const tf = getTf();
    expect(tf.getBackend()).toBe('wasm');
    // Conv2DBackpropFilter does not exist on stock wasm: a conv gradient proves the kernels are in.
    const g = tf.tidy(() => tf.grad((w) => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as Tensor4D, w as Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 1])).dataSync());
    expect(Array.from(g)).toEqual(new Array(9).fill(4));
  });

  it('cpu', async () => {
    const info = await initBackend('cpu');
    expect(info).toMatchObject({ name: 'cpu', version: '4.22.0' });
    expect(info.device).toMatch(/^CPU \(JavaScript/);
    expect(getTf().getBackend()).toBe('cpu');
  });

  it.skipIf(hasNode)('a forced native backend that cannot load throws with the reason', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(/tfjs-node is not installed/);
  });

  it.skipIf(hasNodeGpu)('so does a forced GPU backend', async () => {
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(/tfjs-node-gpu is not installed/);
  });

  it('switching back and forth keeps one tfjs instance and the kernels registered once', async () => {
    const tf = getTf();
    await initBackend('wasm');
    const k = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    await initBackend('cpu');
    await initBackend('wasm');
    registerWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(k);
    expect(getTf()).toBe(tf);
  });
});

describe('backendMemoryBytes', () => {
  it('reports the whole wasm heap, which does not shrink when tensors are freed', async () => {
    await initBackend('wasm');
    const tf = getTf();
    const before = backendMemoryBytes();
    expect(before).toBeGreaterThan(0);
    const big = tf.zeros([64 * 1024 * 1024 / 4]); // 64 MiB
    const grown = backendMemoryBytes();
    big.dispose();
    expect(grown).toBeGreaterThanOrEqual(before);
    expect(backendMemoryBytes()).toBe(grown);
  });
});
