import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDatasetFile, readDatasetHeader, readDatasetLabels, writeDatasetFile } from '../../../src-main/engine/datasets/binary';
import { useTempDir } from './helpers';

const PRINT = 'ab'.repeat(32);

describe('dataset file', () => {
  const dir = useTempDir();

  it('round-trips float32 features and uint16 labels', () => {
    const path = join(dir(), 'sub', 'data.bin');
    const x = Float32Array.from({ length: 3 * 5 }, (_, i) => i / 3 - 2);
    const y = Int32Array.from([0, 300, 7]);
    writeDatasetFile(path, { x: { type: 'f32', data: x }, y, inputShape: [5], fingerprint: PRINT });
    const back = readDatasetFile(path);
    expect(Array.from(back.x)).toEqual(Array.from(x));
    expect(Array.from(back.y)).toEqual([0, 300, 7]);
    expect(back.header).toMatchObject({ rows: 3, inputShape: [5], fingerprint: PRINT, xType: 'f32', yBytes: 2 });
    expect(Array.from(readDatasetLabels(path, 2).y)).toEqual([0, 300]);
    expect(Array.from(readDatasetFile(path, 1).x)).toEqual(Array.from(x.subarray(0, 5)));
  });

  it('stores pixels as bytes and loads them scaled to [0, 1]', () => {
    const path = join(dir(), 'px.bin');
    writeDatasetFile(path, { x: { type: 'u8', data: Uint8Array.from([0, 51, 255, 128]) }, y: Int32Array.from([1, 0]), inputShape: [1, 2, 1], fingerprint: PRINT });
    expect(Array.from(readDatasetFile(path).x)).toEqual(Array.from(Float32Array.from([0, 0.2, 1, 128 / 255])));
    expect(readDatasetHeader(path).yBytes).toBe(1);
  });

  it('refuses truncated, foreign and future-format files', () => {
    const path = join(dir(), 'd.bin');
    writeDatasetFile(path, { x: { type: 'f32', data: new Float32Array(8) }, y: new Int32Array(4), inputShape: [2], fingerprint: PRINT });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    expect(() => readDatasetFile(path)).toThrow(/corrupt or truncated dataset file/);
    writeFileSync(path, Buffer.concat([Buffer.from('NOPE'), bytes.subarray(4)]));
    expect(() => readDatasetHeader(path)).toThrow(/not an Epochlab dataset file \(bad magic\)/);
    const future = Buffer.from(bytes);
    future.writeUInt16LE(99, 4);
    writeFileSync(path, future);
    expect(() => readDatasetHeader(path)).toThrow(/format 99, this Epochlab reads format 1/);
    expect(() => readDatasetHeader(join(dir(), 'missing.bin'))).toThrow(/cannot open dataset file/);
  });

  it('refuses features that do not match rows × shape', () => {
    expect(() =>
      writeDatasetFile(join(dir(), 'x.bin'), { x: { type: 'f32', data: new Float32Array(5) }, y: new Int32Array(2), inputShape: [2], fingerprint: PRINT }),
    ).toThrow(/features hold 5 values, expected 2 rows × 2/);
  });
});
