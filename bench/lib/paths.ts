/** The bench/ folder, whether this code runs from source (bench/…) or bundled (out/bench/run.mjs). */
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export function benchDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (here.endsWith(`${sep}out${sep}bench`)) return join(here, '..', '..', 'bench');
  return here.endsWith(`${sep}lib`) ? dirname(here) : here;
}
