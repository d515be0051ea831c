/**
 * A small tmpfs to fill up, for full-disk tests (docs/reliability.md D3, D7). Mounting needs root: where it
 * fails, `mounted` is false and the tests that need it are skipped. Unmounted after the file's tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface SmallDisk {
  mounted: boolean;
  path: string;
  /** Writes zeros until the disk is full. */
  fill(): void;
  /** Removes what fill() wrote. */
  free(): void;
}

export function smallDisk(size: string): SmallDisk {
  const path = mkdtempSync(join(tmpdir(), 'epochlab-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [path]);
    rmSync(path, { recursive: true, force: true });
  });
  const filler = join(path, 'filler');
  return {
    mounted,
    path,
    fill: () => void spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k']),
    free: () => rmSync(filler, { force: true }),
  };
}
