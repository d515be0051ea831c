import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIris } from '../../../src-main/engine/datasets/iris';
import { fingerprint } from '../../../src-main/engine/datasets/catalog';
import { contextIn, useTempDir } from './helpers';

describe('iris', () => {
  const dir = useTempDir();

  it("is Fisher's 150 flowers with their measurements unscaled", () => {
    const ds = loadIris(contextIn(dir()));
    expect(ds.info.rows).toBe(150);
    expect(ds.info.inputShape).toEqual([4]);
    expect(ds.info.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.info.classCounts).toEqual([50, 50, 50]);
    expect(ds.info.kind).toBe('tabular');
    // Column means of the classic data set (sepal length 5.843, sepal width 3.057, petal length 3.758, petal width 1.199).
    const means = [0, 1, 2, 3].map((c) => ds.x.filter((_, i) => i % 4 === c).reduce((a, b) => a + b) / 150);
    expect(means[0]).toBeCloseTo(5.843, 3);
    expect(means[1]).toBeCloseTo(3.057, 3);
    expect(means[2]).toBeCloseTo(3.758, 3);
    expect(means[3]).toBeCloseTo(1.199, 3);
    // Setosa's petals are short: every setosa row has petal length < 2.
    ds.y.forEach((k, i) => expect(ds.x[4 * i + 2] < 2).toBe(k === 0));
    expect(ds.info.fingerprint).toBe(fingerprint(ds));
  });

  it('is shuffled in a fixed order, so a limit holds all species', () => {
    const a = loadIris(contextIn(dir()), 30);
    expect(a.info.rows).toBe(30);
    expect(a.info.classCounts.every((n) => n >= 5)).toBe(true);
    expect(Array.from(loadIris(contextIn(dir()), 30).y)).toEqual(Array.from(a.y));
    a.x[0] = 999;
    expect(loadIris(contextIn(dir())).x[0]).not.toBe(999);
  });

  it('says where it looked when the resource is missing', () => {
    expect(() => loadIris({ dataDir: dir(), resourcesDir: join(dir(), 'nowhere') })).toThrow(/cannot read the built-in iris data/);
  });
});
