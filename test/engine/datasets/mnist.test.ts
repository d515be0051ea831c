import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMnist, ensureMnistCache, loadMnist, mnistCachePath } from '../../../src-main/engine/datasets/mnist';
import { fingerprint } from '../../../src-main/engine/datasets/catalog';
import { contextIn, useTempDir } from './helpers';

describe('mnist-10k', () => {
  const dir = useTempDir();
  // Building the cache takes most of a second; the read-only checks share one.
  let shared: string;
  beforeAll(() => {
    shared = mkdtempSync(join(tmpdir(), 'epochlab-mnist-'));
    ensureMnistCache(contextIn(shared));
  });
  afterAll(() => rmSync(shared, { recursive: true, force: true }));

  it('converts the mnist package once into a cache, then loads from it quickly', () => {
    const ctx = contextIn(dir());
    expect(existsSync(mnistCachePath(ctx))).toBe(false);
    const ds = loadMnist(ctx);
    const cache = mnistCachePath(ctx);
    // uint8 pixels + uint8 labels + header: about 7.9 MB rather than the package's 21 MB of JSON.
    expect(statSync(cache).size).toBe(48 + 12 + ds.info.rows * (784 + 1));
    const builtAt = statSync(cache).mtimeMs;

    expect(ds.info.rows).toBeGreaterThan(9500);
    expect(ds.info.rows).toBeLessThan(10500);
    expect(ds.x.length).toBe(ds.info.rows * 784);
    expect(ds.info.inputShape).toEqual([28, 28, 1]);
    expect(ds.info.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Every digit is well represented, and the counts match the labels.
    expect(Math.min(...ds.info.classCounts)).toBeGreaterThan(800);
    expect(ds.info.classCounts.reduce((a, b) => a + b)).toBe(ds.info.rows);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    // Pixels are bytes / 255: a handwritten digit has a fair share of ink.
    const ink = ds.x.subarray(0, 784).filter((v) => v > 0.5).length;
    expect(ink).toBeGreaterThan(40);
    expect(ds.info.fingerprint).toBe(fingerprint(ds));

    const again = loadMnist(ctx);
    expect(statSync(cache).mtimeMs).toBe(builtAt);
    expect(again.info.fingerprint).toBe(ds.info.fingerprint);
    expect(Array.from(again.y.subarray(0, 50))).toEqual(Array.from(ds.y.subarray(0, 50)));
  });

  it('orders rows so that a limit takes a mix of digits, and describe agrees with load', () => {
    const ctx = contextIn(shared);
    const info = describeMnist(ctx, 200);
    const ds = loadMnist(ctx, 200);
    expect(info.rows).toBe(200);
    expect(info.classCounts).toEqual(ds.info.classCounts);
    expect(ds.info.classCounts.every((n) => n >= 8)).toBe(true);
    expect(ds.info.fingerprint).toBe(fingerprint(ds));
    expect(describeMnist(ctx).fingerprint).toBe(loadMnist(ctx).info.fingerprint);
  });

  it('rebuilds a damaged cache', () => {
    const ctx = contextIn(dir());
    const path = mnistCachePath(ctx);
    const size = statSync(mnistCachePath(contextIn(shared))).size;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'garbage');
    expect(ensureMnistCache(ctx)).toBe(path);
    expect(statSync(path).size).toBe(size);
    expect(loadMnist(ctx, 10).info.rows).toBe(10);
  });
});
