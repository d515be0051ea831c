import { describe, expect, it } from 'vitest';
import { describeSynthetic, generateSynthetic, SYNTHETIC_IDS } from '../../../src-main/engine/datasets/synthetic';
import { fingerprint } from '../../../src-main/engine/datasets/catalog';

describe('synthetic 2-D sets', () => {
  it.each(SYNTHETIC_IDS)('%s is deterministic given its options, and the seed matters', (id) => {
    const a = generateSynthetic(id, { id, size: 300, seed: 4 });
    const b = generateSynthetic(id, { id, size: 300, seed: 4 });
    const c = generateSynthetic(id, { id, size: 300, seed: 5 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.info.fingerprint).toBe(b.info.fingerprint);
    expect(a.info.fingerprint).not.toBe(c.info.fingerprint);
    expect(a.info.fingerprint).toBe(fingerprint(a));
    expect(a.x.every(Number.isFinite)).toBe(true);
  });

  it.each(SYNTHETIC_IDS)('%s has balanced classes, remainder to the first ones', (id) => {
    const classes = id === 'spiral' || id === 'gaussians' ? 4 : 2;
    const ds = generateSynthetic(id, { id, size: 103, classes });
    const expected = classes === 4 ? [26, 26, 26, 25] : [52, 51];
    expect(ds.info.classCounts).toEqual(expected);
    expect(ds.info.rows).toBe(103);
    expect(ds.info.inputShape).toEqual([2]);
    expect(ds.info.kind).toBe('synthetic-2d');
    const counted = new Array(classes).fill(0);
    ds.y.forEach((k) => counted[k]++);
    expect(counted).toEqual(expected);
  });

  it('describes without generating, in agreement with generation (limit included)', () => {
    for (const ref of [{ id: 'spiral', size: 50, classes: 3, limit: 10 }, { id: 'moons', size: 7 }, { id: 'gaussians', limit: 5000 }] as const) {
      const info = describeSynthetic(ref.id, ref);
      const ds = generateSynthetic(ref.id, ref);
      expect(info.rows).toBe(ds.info.rows);
      expect(info.classCounts).toEqual(ds.info.classCounts);
      expect(info.fingerprint).toBeNull();
    }
  });

  it('reports the effective options, defaults included', () => {
    expect(describeSynthetic('spiral', { id: 'spiral' }).options).toEqual({ size: 1000, noise: 0.2, seed: 0, classes: 3 });
    expect(describeSynthetic('moons', { id: 'moons', noise: 0 }).options).toEqual({ size: 1000, noise: 0, seed: 0, classes: 2 });
  });

  it('a limited set is exactly a prefix of the full one', () => {
    const full = generateSynthetic('xor', { id: 'xor', size: 200, seed: 1 });
    const part = generateSynthetic('xor', { id: 'xor', size: 200, seed: 1, limit: 37 });
    expect(Array.from(part.x)).toEqual(Array.from(full.x.subarray(0, 74)));
    expect(Array.from(part.y)).toEqual(Array.from(full.y.subarray(0, 37)));
  });

  it('produces the intended shapes', () => {
    const circles = generateSynthetic('circles', { id: 'circles', size: 100, noise: 0 });
    for (let i = 0; i < 100; i++) {
      const r = Math.hypot(circles.x[2 * i], circles.x[2 * i + 1]);
      expect(r).toBeCloseTo(circles.y[i] === 0 ? 1 : 0.5, 5);
    }
    const xor = generateSynthetic('xor', { id: 'xor', size: 100, noise: 0 });
    for (let i = 0; i < 100; i++) expect(xor.x[2 * i] * xor.x[2 * i + 1] >= 0 ? 0 : 1).toBe(xor.y[i]);
    const blobs = generateSynthetic('gaussians', { id: 'gaussians', size: 3000, classes: 3, noise: 0.1 });
    const meanX = [0, 0, 0];
    blobs.y.forEach((k, i) => (meanX[k] += blobs.x[2 * i] / 1000));
    expect(meanX[0]).toBeCloseTo(2, 1);
    expect(meanX[1]).toBeCloseTo(-1, 1);
  });

  it('refuses options that do not fit', () => {
    expect(() => describeSynthetic('moons', { id: 'moons', classes: 3 })).toThrow(/moons always has 2 classes/);
    expect(() => describeSynthetic('spiral', { id: 'spiral', classes: 21 })).toThrow(/classes must be a whole number from 2 to 20/);
    expect(() => describeSynthetic('spiral', { id: 'spiral', size: 2, classes: 3 })).toThrow(/size 2 is smaller than the number of classes \(3\)/);
    expect(() => describeSynthetic('xor', { id: 'xor', size: 0 })).toThrow(/size must be a whole number from 1/);
    expect(() => describeSynthetic('xor', { id: 'xor', noise: Number.NaN })).toThrow(/noise must be a finite number/);
    expect(() => describeSynthetic('xor', { id: 'xor', seed: -1 })).toThrow(/seed must be a whole number/);
  });
});
