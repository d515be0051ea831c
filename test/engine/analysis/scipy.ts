/**
 * Reference values from scipy.stats (Debian's python3-scipy) for the seed-statistics tests. When
 * /usr/bin/python3 cannot import scipy, `scipyAvailable` is false and the tests that need it are skipped
 * with the install line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const SCIPY_INSTALL = 'apt-get install -y python3-scipy';

export const scipyAvailable: boolean =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import scipy.stats'], { encoding: 'utf8' }).status === 0;

/** Runs a Python snippet that prints one JSON value; returns it parsed. */
export function runPython<T>(code: string): T {
  const result = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
