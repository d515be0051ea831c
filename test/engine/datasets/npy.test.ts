import { describe, expect, it } from 'vitest';
import { parseNpyHeader, readNpyPair } from '../../../src-main/engine/datasets/npy';
import { f32Bytes, f64Bytes, i64Bytes, npyBytes, useTempDir, writeFile } from './helpers';

describe('NPY header', () => {
  it('reads versions 1, 2 and 3', () => {
    for (const version of [1, 2, 3] as const) {
      const h = parseNpyHeader(npyBytes('<f4', [3, 2], Buffer.alloc(0), { version }), 'x.npy');
      expect(h).toMatchObject({ version, descr: '<f4', kind: 'f', itemSize: 4, shape: [3, 2], count: 6 });
      expect(h.dataOffset % 64).toBe(0);
    }
    expect(parseNpyHeader(npyBytes('|u1', [7], Buffer.alloc(0)), 'y.npy').shape).toEqual([7]);
  });

  it.each([
    ['a non-npy file', Buffer.from('PK\x03\x04 not numpy at all'), /not a \.npy file/],
    ['an unknown version', (() => { const b = npyBytes('<f4', [1], Buffer.alloc(0)); b[6] = 4; return b; })(), /format version 4\.0 is not supported/],
    ['Fortran order', npyBytes('<f4', [2, 2], Buffer.alloc(0), { fortran: true }), /Fortran-ordered arrays are not supported/],
    ['big-endian data', npyBytes('>f8', [2], Buffer.alloc(0)), /big-endian data \(>f8\)/],
    ['complex numbers', npyBytes('<c8', [2], Buffer.alloc(0)), /unsupported dtype "<c8"/],
    ['half floats', npyBytes('<f2', [2], Buffer.alloc(0)), /unsupported dtype "<f2"/],
    ['strings', npyBytes('<U5', [2], Buffer.alloc(0)), /unsupported dtype "<U5"/],
    ['objects', npyBytes('|O', [2], Buffer.alloc(0)), /unsupported dtype "\|O"/],
    ['a structured dtype', npyBytes('', [2], Buffer.alloc(0), { dict: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }" }), /structured/],
    ['a scalar', npyBytes('<f4', [], Buffer.alloc(0), { dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }" }), /single value/],
    ['zero rows', npyBytes('<f4', [0, 3], Buffer.alloc(0)), /holds 0 rows/],
    ['a missing key', npyBytes('<f4', [2], Buffer.alloc(0), { dict: "{'descr': '<f4', 'shape': (2,), }" }), /lacks descr, fortran_order or shape/],
    ['a non-dict header', npyBytes('<f4', [2], Buffer.alloc(0), { dict: 'hello' }), /not a dictionary/],
    ['a malformed shape', npyBytes('<f4', [2], Buffer.alloc(0), { dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }" }), /malformed shape/],
    ['an oversized shape', npyBytes('<f4', [100000, 100000], Buffer.alloc(0)), /more than Epochlab accepts/],
    ['a truncated header', npyBytes('<f4', [2], Buffer.alloc(0)).subarray(0, 40), /truncated \.npy header/],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => parseNpyHeader(bytes, 'x.npy')).toThrow(message);
  });
});

describe('NPY pair', () => {
  const dir = useTempDir();
  const write = (name: string, bytes: Buffer) => writeFile(dir(), name, bytes);

  it('reads float64 features and int64 labels mapped by sorted value', async () => {
    const x = write('x.npy', npyBytes('<f8', [3, 2], f64Bytes([0.5, -1, 2, 3, 1e-3, 7])));
    const y = write('y.npy', npyBytes('<i8', [3], i64Bytes([9, 2, 9])));
    const d = await readNpyPair(x, y);
    expect(d.kind).toBe('tabular');
    expect(d.inputShape).toEqual([2]);
    expect(d.features.type).toBe('f32');
    expect(Array.from(d.features.data)).toEqual(Array.from(Float32Array.from([0.5, -1, 2, 3, 1e-3, 7])));
    expect(d.classNames).toEqual(['2', '9']);
    expect(Array.from(d.y)).toEqual([1, 0, 1]);
  });

  it('reads uint8 images as pixels and gives [H, W, 1]', async () => {
    const pixels = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => i * 10);
    const d = await readNpyPair(write('x.npy', npyBytes('|u1', [2, 4, 3], Buffer.from(pixels))), write('y.npy', npyBytes('|u1', [2], Buffer.from([0, 1]))));
    expect(d.kind).toBe('image');
    expect(d.inputShape).toEqual([4, 3, 1]);
    expect(d.features).toEqual({ type: 'u8', data: pixels });
  });

  it('reads int16, uint32 and float32 features, and (N, 1) labels', async () => {
    const i2 = Buffer.from(Int16Array.from([-3, 4]).buffer);
    expect(Array.from((await readNpyPair(write('a.npy', npyBytes('<i2', [2, 1], i2)), write('b.npy', npyBytes('<i4', [2, 1], Buffer.from(Int32Array.from([0, 1]).buffer))))).features.data)).toEqual([-3, 4]);
    const u4 = Buffer.from(Uint32Array.from([4_000_000_000, 1]).buffer);
    expect(Array.from((await readNpyPair(write('c.npy', npyBytes('<u4', [2], u4)), write('d.npy', npyBytes('|u1', [2], Buffer.from([0, 1]))))).features.data)).toEqual([4e9, 1]);
  });

  it('refuses truncated data and trailing bytes', async () => {
    const y = write('y.npy', npyBytes('<i8', [2], i64Bytes([0, 1])));
    const short = npyBytes('<f4', [2, 2], f32Bytes([1, 2, 3]));
    await expect(readNpyPair(write('x.npy', short), y)).rejects.toThrow(/x\.npy: truncated: shape \(2, 2\) of <f4 needs 144 bytes, the file has 140/);
    const long = npyBytes('<f4', [2, 2], f32Bytes([1, 2, 3, 4, 5]));
    await expect(readNpyPair(write('x.npy', long), y)).rejects.toThrow(/4 unexpected bytes/);
  });

  it('refuses a sample count mismatch before reading data', async () => {
    const x = write('x.npy', npyBytes('<f4', [3, 1], f32Bytes([1, 2, 3])));
    const y = write('y.npy', npyBytes('<i8', [2], i64Bytes([0, 1])));
    await expect(readNpyPair(x, y)).rejects.toThrow(/x\.npy has 3 samples but y\.npy has 2 labels/);
  });

  it('refuses bad labels: floats, negatives, 2-D', async () => {
    const x = write('x.npy', npyBytes('<f4', [2, 1], f32Bytes([1, 2])));
    await expect(readNpyPair(x, write('y.npy', npyBytes('<f8', [2], f64Bytes([0, 1]))))).rejects.toThrow(/labels must be integers, got dtype <f8/);
    await expect(readNpyPair(x, write('y.npy', npyBytes('<i8', [2], i64Bytes([0, -1]))))).rejects.toThrow(/label 1 is -1; labels must be non-negative/);
    await expect(readNpyPair(x, write('y.npy', npyBytes('<i8', [1, 2], i64Bytes([0, 1]))))).rejects.toThrow(/labels must have shape \(N,\), got \(1, 2\)/);
  });

  it('refuses non-finite features with the sample and position', async () => {
    const x = write('x.npy', npyBytes('<f8', [2, 3], f64Bytes([1, 2, 3, 4, NaN, 6])));
    const y = write('y.npy', npyBytes('<i8', [2], i64Bytes([0, 1])));
    await expect(readNpyPair(x, y)).rejects.toThrow(/x\.npy: sample 1, value 1 is NaN/);
    const big = write('big.npy', npyBytes('<f8', [2, 1], f64Bytes([1, 1e300])));
    await expect(readNpyPair(big, y)).rejects.toThrow(/sample 1, value 0 is 1e\+300; features must be finite 32-bit floats/);
  });

  it('refuses samples of more than three dimensions', async () => {
    const x = write('x.npy', npyBytes('|u1', [1, 2, 2, 2, 2], Buffer.alloc(16)));
    await expect(readNpyPair(x, write('y.npy', npyBytes('|u1', [1], Buffer.from([0]))))).rejects.toThrow(/samples of shape \(2, 2, 2, 2\) are not supported/);
  });
});
