/** Facts about this installation: version, cores, which backends load, the default concurrency. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { BackendChoice, Isolation } from '../contract';

// CommonJS bundles (CLI, app) define __filename; an ES-module bundle (the bench) resolves from the working directory.
const HERE = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
const requireHere = createRequire(HERE);

/** Whether a package is installed, without loading it (loading tfjs-node-gpu into the main process is heavy). */
export function isInstalled(name: string): boolean {
  try {
    requireHere.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** CPU backends train one trial per core; a GPU backend gets one trial at a time so they do not fight over it. */
export function defaultConcurrency(backend: BackendChoice): number {
  const gpu = backend === 'tensorflow-gpu' || (backend === 'auto' && isInstalled('@tensorflow/tfjs-node-gpu'));
  return gpu ? 1 : Math.max(1, availableParallelism());
}

/**
 * Native backends (tfjs-node, tfjs-node-gpu; 'auto' picks them first when installed) train in processes of
 * their own: a crash in native code cannot be caught in a thread, and tfjs-node misbehaves in more than one
 * thread of a process. The embedded backends stay in threads, which start faster (docs/reliability.md F5).
 */
export function defaultIsolation(backend: BackendChoice): Isolation {
  const native =
    backend === 'tensorflow' || backend === 'tensorflow-gpu' ||
    (backend === 'auto' && (isInstalled('@tensorflow/tfjs-node-gpu') || isInstalled('@tensorflow/tfjs-node')));
  return native ? 'process' : 'thread';
}

/** The version in package.json, found by walking up from the bundle (out/node, out/main or src-main/services). */
export function appVersion(): string {
  let dir = dirname(HERE);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'epochlab' && pkg.version) return pkg.version;
    } catch {
      // not here; go up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
