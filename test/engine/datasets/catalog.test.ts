import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetImportSource, DatasetRef } from '../../../src-main/contract';
import { describeDataset, fingerprint, listDatasets, loadDataset } from '../../../src-main/engine/datasets/catalog';
import { importDataset } from '../../../src-main/engine/datasets/import';
import { listImported } from '../../../src-main/engine/datasets/imported';
import { contextIn, i64Bytes, idxBytes, npyBytes, f32Bytes, useTempDir, writeFile } from './helpers';

const CSV = 'sepal,petal,kind\n1,2,b\n3,4,a\n5,6,b\n7,8,c\n9,10,a\n';

/** The dataset an import stored (these formats skip nothing: they refuse a bad file whole). */
async function imported(source: DatasetImportSource, ctx: ReturnType<typeof contextIn>) {
  const report = await importDataset(source, ctx);
  expect(report.skipped.total).toBe(0);
  return report.dataset;
}

describe('dataset registry', () => {
  // One data folder for the whole block: listing builds the MNIST cache, which takes most of a second.
  let shared: string;
  beforeAll(() => {
    shared = mkdtempSync(join(tmpdir(), 'epochlab-registry-'));
  });
  afterAll(() => rmSync(shared, { recursive: true, force: true }));
  const dir = () => shared;

  it('lists the built-ins and the imports', async () => {
    const ctx = contextIn(dir());
    const mine = await imported({ format: 'csv', name: 'Mine', path: writeFile(dir(), 'a.csv', CSV) }, ctx);
    const list = listDatasets(ctx);
    expect(list.map((d) => d.id)).toEqual(['mnist-10k', 'spiral', 'moons', 'circles', 'xor', 'gaussians', 'iris', mine.id]);
    expect(list.at(-1)).toEqual(mine);
  });

  it('describes every dataset the way loading it turns out, limit included', async () => {
    const ctx = contextIn(dir());
    const imp = await imported({ format: 'csv', name: 'Mine', path: writeFile(dir(), 'a.csv', CSV) }, ctx);
    const refs: DatasetRef[] = [
      { id: 'mnist-10k', limit: 123 },
      { id: 'iris', limit: 17 },
      { id: 'iris' },
      { id: 'gaussians', classes: 5, size: 51, limit: 12 },
      { id: imp.id },
      { id: imp.id, limit: 3 },
      { id: imp.id, limit: 1000 },
    ];
    for (const ref of refs) {
      const info = await describeDataset(ref, ctx);
      const ds = await loadDataset(ref, ctx);
      expect({ ...info, fingerprint: null }, ref.id).toEqual({ ...ds.info, fingerprint: null });
      if (info.fingerprint !== null) expect(info.fingerprint).toBe(ds.info.fingerprint);
      expect(ds.info.fingerprint).toBe(fingerprint(ds));
      expect(ds.x.length).toBe(ds.info.rows * ds.info.inputShape.reduce((a, b) => a * b, 1));
    }
  });

  it('refuses unknown ids, listing the valid ones, and never turns an id into a path', async () => {
    const ctx = contextIn(dir());
    await expect(describeDataset({ id: 'cifar' }, ctx)).rejects.toThrow(/unknown dataset "cifar"; valid ids: mnist-10k, spiral, moons, circles, xor, gaussians, iris/);
    await expect(loadDataset({ id: '../../etc/passwd' }, ctx)).rejects.toThrow(/unknown dataset/);
    await expect(loadDataset({ id: 'imp-000000000000' }, ctx)).rejects.toThrow(/unknown dataset "imp-000000000000"/);
  });

  it('refuses generator options on datasets that are not generated', async () => {
    const ctx = contextIn(dir());
    await expect(describeDataset({ id: 'iris', size: 10, seed: 2 }, ctx)).rejects.toThrow(/size, seed only apply to the synthetic sets .*; for iris use limit/);
    await expect(loadDataset({ id: 'moons', limit: 0 }, ctx)).rejects.toThrow(/limit must be a whole number ≥ 1/);
  });
});

describe('importDataset', () => {
  const dir = useTempDir();

  it('stores a CSV import and returns the same dataset when the same data comes again', async () => {
    const ctx = contextIn(dir());
    const first = await imported({ format: 'csv', name: 'Flowers', path: writeFile(dir(), 'a.csv', CSV) }, ctx);
    expect(first.id).toMatch(/^imp-[0-9a-f]{12}$/);
    expect(first.id).toBe(`imp-${first.fingerprint?.slice(0, 12)}`);
    expect(first).toMatchObject({ name: 'Flowers', source: 'imported', kind: 'tabular', inputShape: [2], classNames: ['a', 'b', 'c'], classCounts: [2, 2, 1], rows: 5 });
    // Same numbers, different file name, line endings and dataset name: still the same data.
    const again = await imported({ format: 'csv', name: 'Copy', path: writeFile(dir(), 'b.csv', CSV.replace(/\n/g, '\r\n')) }, ctx);
    expect(again).toEqual(first);
    expect(readdirSync(join(dir(), 'datasets'))).toEqual([first.id]);
    const ds = await loadDataset({ id: first.id }, ctx);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(ds.y)).toEqual([1, 0, 1, 2, 0]);
  });

  it('imports an MNIST-format IDX pair as [N, 28, 28, 1] scaled to [0, 1]', async () => {
    const ctx = contextIn(dir());
    const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
    const info = await imported(
      {
        format: 'idx',
        name: 'digits',
        images: writeFile(dir(), 'imgs', idxBytes(8, [3, 28, 28], pixels)),
        labels: writeFile(dir(), 'lbls', idxBytes(8, [3], Uint8Array.from([7, 1, 7]))),
      },
      ctx,
    );
    expect(info).toMatchObject({ kind: 'image', inputShape: [28, 28, 1], rows: 3, classNames: ['1', '7'], classCounts: [1, 2] });
    const ds = await loadDataset({ id: info.id }, ctx);
    expect(ds.x[255]).toBe(1);
    expect(ds.x[51]).toBeCloseTo(0.2, 6);
    expect(Array.from(ds.y)).toEqual([1, 0, 1]);
    expect(ds.info.fingerprint).toBe(info.fingerprint);
  });

  it('imports an NPY pair', async () => {
    const ctx = contextIn(dir());
    const info = await imported(
      {
        format: 'npy',
        name: 'arrays',
        x: writeFile(dir(), 'x.npy', npyBytes('<f4', [4, 3], f32Bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))),
        y: writeFile(dir(), 'y.npy', npyBytes('<i8', [4], i64Bytes([3, 3, 0, 5]))),
      },
      ctx,
    );
    expect(info).toMatchObject({ kind: 'tabular', inputShape: [3], classNames: ['0', '3', '5'], classCounts: [1, 2, 1] });
    expect(Array.from((await loadDataset({ id: info.id, limit: 2 }, ctx)).x)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses unreadable sources without leaving anything behind', async () => {
    const ctx = contextIn(dir());
    await expect(importDataset({ format: 'csv', name: 'bad', path: writeFile(dir(), 'bad.csv', 'a,b\n1,x\n2\n') }, ctx)).rejects.toThrow(/row 2 \(line 3\) has 1 columns/);
    await expect(importDataset({ format: 'csv', name: 'none', path: join(dir(), 'missing.csv') }, ctx)).rejects.toThrow(/missing\.csv/);
    expect(listImported(ctx)).toEqual([]);
    // The import's scratch folder is gone too.
    expect(readdirSync(join(dir(), 'datasets'))).toEqual([]);
  });

  it('skips a damaged import in the list and refuses to load it', async () => {
    const ctx = contextIn(dir());
    const info = await imported({ format: 'csv', name: 'ok', path: writeFile(dir(), 'a.csv', CSV) }, ctx);
    mkdirSync(join(dir(), 'datasets', 'imp-0123456789ab'));
    writeFileSync(join(dir(), 'datasets', 'imp-0123456789ab', 'meta.json'), '{ not json');
    expect(listImported(ctx).map((d) => d.id)).toEqual([info.id]);
    await expect(loadDataset({ id: 'imp-0123456789ab' }, ctx)).rejects.toThrow(/imported dataset imp-0123456789ab is damaged/);
    writeFileSync(join(dir(), 'datasets', info.id, 'data.bin'), 'short');
    await expect(loadDataset({ id: info.id }, ctx)).rejects.toThrow(/data\.bin: not an Epochlab dataset file/);
  });
});
