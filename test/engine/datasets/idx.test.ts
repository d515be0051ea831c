import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdxHeader, readIdxPair } from '../../../src-main/engine/datasets/idx';
import { DatasetError, MAX_VALUES } from '../../../src-main/engine/datasets/types';
import { gzip, idxBytes, useTempDir, writeFile } from './helpers';

const IMAGES = 0x08;

/** n images of rows×cols whose pixel i of image k is (k * 7 + i) mod 256, and labels k mod 3 + 4. */
function pair(n: number, rows = 28, cols = 28) {
  const pixels = Uint8Array.from({ length: n * rows * cols }, (_, i) => (Math.floor(i / (rows * cols)) * 7 + (i % (rows * cols))) % 256);
  const labels = Uint8Array.from({ length: n }, (_, k) => (k % 3) + 4);
  return { images: idxBytes(IMAGES, [n, rows, cols], pixels), labels: idxBytes(IMAGES, [n], labels), pixels };
}

describe('IDX header', () => {
  it('accepts the MNIST magic numbers', () => {
    const h = parseIdxHeader(idxBytes(IMAGES, [60000, 28, 28], new Uint8Array(0)), 'train-images', 'images');
    expect(h).toMatchObject({ count: 60000, itemDims: [28, 28], headerBytes: 16, dataBytes: 60000 * 784 });
    expect(parseIdxHeader(idxBytes(IMAGES, [10], new Uint8Array(0)), 'l', 'labels').count).toBe(10);
  });

  it.each([
    ['wrong magic', Buffer.from([0x1f, 0x00, 0x08, 0x03]), 'images', /not an IDX file \(starts with 0x1f 0x00/],
    ['unknown data type', idxBytes(0x0a, [1, 2, 2], new Uint8Array(0)), 'images', /unknown IDX data type 0x0a/],
    ['unsupported data type', idxBytes(0x0d, [1, 2, 2], new Uint8Array(0)), 'images', /float32 \(0x0d\) is not supported/],
    ['images with 2 dimensions', idxBytes(IMAGES, [1, 784], new Uint8Array(0)), 'images', /has 3 dimensions \[count, rows, cols\], this one declares 2/],
    ['labels with 3 dimensions', idxBytes(IMAGES, [1, 2, 2], new Uint8Array(0)), 'labels', /has 1 dimension \[count\], this one declares 3/],
    ['zero count', idxBytes(IMAGES, [0, 28, 28], new Uint8Array(0)), 'images', /declares 0 images/],
    ['size overflow', idxBytes(IMAGES, [0xffffffff, 0xffffffff, 0xffffffff], new Uint8Array(0)), 'images', /more than Epochlab accepts/],
    ['truncated header', Buffer.from([0, 0, 8, 3, 0, 0, 0, 1]), 'images', /truncated IDX header \(8 of 16 bytes\)/],
    ['three bytes', Buffer.from([0, 0, 8]), 'images', /too short/],
  ] as const)('refuses %s', (_name, bytes, role, message) => {
    expect(() => parseIdxHeader(bytes, 'f', role)).toThrow(message);
  });

  it('puts its own limit at MAX_VALUES', () => {
    expect(() => parseIdxHeader(idxBytes(IMAGES, [MAX_VALUES / 1024 + 1, 32, 32], new Uint8Array(0)), 'f', 'images')).toThrow(/more than Epochlab accepts/);
    expect(parseIdxHeader(idxBytes(IMAGES, [MAX_VALUES / 1024, 32, 32], new Uint8Array(0)), 'f', 'images').dataBytes).toBe(MAX_VALUES);
  });
});

describe('IDX pair', () => {
  const dir = useTempDir();

  it('reads a raw pair and a gzip pair the same way', async () => {
    const { images, labels, pixels } = pair(5);
    const raw = await readIdxPair(writeFile(dir(), 'i.idx', images), writeFile(dir(), 'l.idx', labels));
    expect(raw.count).toBe(5);
    expect(raw.inputShape).toEqual([28, 28, 1]);
    expect(Array.from(raw.pixels)).toEqual(Array.from(pixels));
    expect(raw.classNames).toEqual(['4', '5', '6']);
    expect(Array.from(raw.y)).toEqual([0, 1, 2, 0, 1]);
    // Named .idx but gzip inside: detection is by magic bytes, not extension.
    const gz = await readIdxPair(writeFile(dir(), 'i2.idx', gzip(images)), writeFile(dir(), 'l2.gz', gzip(labels)));
    expect(Array.from(gz.pixels)).toEqual(Array.from(pixels));
    expect(Array.from(gz.y)).toEqual(Array.from(raw.y));
  });

  it('refuses an image/label count mismatch', async () => {
    const a = pair(5);
    const b = pair(4);
    await expect(readIdxPair(writeFile(dir(), 'i', a.images), writeFile(dir(), 'l', b.labels))).rejects.toThrow(/i holds 5 images but l holds 4 labels/);
  });

  it('refuses truncated raw and gzip files', async () => {
    const { images, labels } = pair(3);
    const cut = images.subarray(0, images.length - 10);
    await expect(readIdxPair(writeFile(dir(), 'i', cut), writeFile(dir(), 'l', labels))).rejects.toThrow(
      /i: truncated: the IDX header declares 2368 bytes \(3 images\), the file has 2358/,
    );
    await expect(readIdxPair(writeFile(dir(), 'g', gzip(cut)), writeFile(dir(), 'l', labels))).rejects.toThrow(/g: truncated.*it inflates to 2358/);
    const corrupt = gzip(images).subarray(0, 40);
    await expect(readIdxPair(writeFile(dir(), 'c', corrupt), writeFile(dir(), 'l', labels))).rejects.toThrow(DatasetError);
  });

  it('refuses a header that declares more data than the file holds, before reading it', async () => {
    const huge = idxBytes(IMAGES, [200_000, 28, 28], new Uint8Array(100));
    await expect(readIdxPair(writeFile(dir(), 'i', huge), writeFile(dir(), 'l', pair(1).labels))).rejects.toThrow(
      /declares 156800016 bytes \(200000 images\), the file has 116/,
    );
  });

  it('refuses trailing bytes after the data', async () => {
    const { images, labels } = pair(2);
    const extra = Buffer.concat([labels, Buffer.from([1, 2, 3])]);
    await expect(readIdxPair(writeFile(dir(), 'i', images), writeFile(dir(), 'l', extra))).rejects.toThrow(/l: 3 unexpected bytes after the 2 labels/);
  });

  it('refuses a gzip bomb: inflating stops at the declared size', async () => {
    // The header claims 2 labels; the stream inflates to 16 MiB of zeros (a 16 KiB file).
    const bomb = gzip(Buffer.concat([idxBytes(IMAGES, [2], new Uint8Array(0)), Buffer.alloc(16 << 20)]));
    expect(bomb.length).toBeLessThan(30_000);
    const { images } = pair(2);
    const before = process.memoryUsage().arrayBuffers;
    await expect(readIdxPair(writeFile(dir(), 'i', images), writeFile(dir(), 'bomb.gz', bomb))).rejects.toThrow(
      /bomb\.gz: decompresses to more than the 10 bytes its IDX header declares/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
  });

  it('refuses a missing file and an empty file', async () => {
    const { labels } = pair(1);
    await expect(readIdxPair(join(dir(), 'nope'), writeFile(dir(), 'l', labels))).rejects.toThrow(/cannot open .*nope/);
    writeFileSync(join(dir(), 'empty'), '');
    await expect(readIdxPair(join(dir(), 'empty'), writeFile(dir(), 'l', labels))).rejects.toThrow(/empty: the file is empty/);
  });
});
