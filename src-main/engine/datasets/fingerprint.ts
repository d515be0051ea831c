import { createHash } from 'node:crypto';
import type { Dataset } from './types';

/**
 * sha256 of the shape and the exact bytes of x and y: two runs with the same fingerprint trained on the same
 * numbers, whatever the dataset was called or where it came from.
 */
export function fingerprint(ds: Pick<Dataset, 'x' | 'y'> & { info: { rows: number; inputShape: number[] } }): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ rows: ds.info.rows, inputShape: ds.info.inputShape }));
  hash.update(new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength));
  hash.update(new Uint8Array(ds.y.buffer, ds.y.byteOffset, ds.y.byteLength));
  return hash.digest('hex');
}
