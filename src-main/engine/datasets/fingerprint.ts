import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Dataset } from './types';

/**
 * sha256 of the shape and the exact bytes of x and y: two runs with the same fingerprint trained on the same
 * numbers, whatever the dataset was called or where it came from. Fed in pieces, so a dataset written to disk
 * as it is read (an image folder) is fingerprinted without holding it in memory.
 */
export class FingerprintHash {
  private readonly hash: Hash = createHash('sha256');

  constructor(rows: number, inputShape: readonly number[]) {
    this.hash.update(JSON.stringify({ rows, inputShape }));
  }

  /** The next features, as the trainer sees them (float32). */
  features(x: Float32Array): this {
    this.hash.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    return this;
  }

  /** The next features stored as uint8 pixels: hashed as the [0, 1] floats they load as. */
  pixels(pixels: Uint8Array): this {
    const chunk = 1 << 20;
    for (let i = 0; i < pixels.length; i += chunk) this.features(pixelsToUnit(pixels.subarray(i, i + chunk)));
    return this;
  }

  /** Pixels staged in a file, read in chunks. */
  pixelFile(path: string, bytes: number): this {
    const buffer = Buffer.alloc(Math.min(8 << 20, Math.max(1, bytes)));
    const fd = openSync(path, 'r');
    try {
      for (let done = 0; done < bytes;) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, bytes - done), done);
        if (n === 0) throw new Error(`${path}: ended after ${done} of ${bytes} bytes`);
        this.pixels(buffer.subarray(0, n));
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return this;
  }

  labels(y: Int32Array): string {
    this.hash.update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    return this.hash.digest('hex');
  }
}

export function fingerprint(ds: Pick<Dataset, 'x' | 'y'> & { info: { rows: number; inputShape: number[] } }): string {
  return new FingerprintHash(ds.info.rows, ds.info.inputShape).features(ds.x).labels(ds.y);
}

const UNIT_SCALE = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** uint8 pixels → [0, 1] floats: the one mapping every image in Epochlab goes through. */
export function pixelsToUnit(pixels: Uint8Array, into: Float32Array = new Float32Array(pixels.length)): Float32Array {
  for (let i = 0; i < pixels.length; i++) into[i] = UNIT_SCALE[pixels[i]];
  return into;
}
