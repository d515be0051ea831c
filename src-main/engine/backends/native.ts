/**
 * The native TensorFlow backends (@tensorflow/tfjs-node and -node-gpu). They are optional dependencies
 * whose install downloads libtensorflow, so on most machines they are simply absent: load them only on
 * demand, inside try/catch, and say why when they do not load.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { getTf } from './tf';
import { errorReason, nodeRequire } from './node-require';

export type NativeName = 'tensorflow-gpu' | 'tensorflow';

const PACKAGES: Record<NativeName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

export interface NativeLoad {
  ok: boolean;
  version?: string;
  reason?: string;
}

const loads = new Map<NativeName, NativeLoad>();

/**
 * Requires the package once (it registers the 'tensorflow' backend on the tfjs-core it resolves).
 * Both packages register the same backend name, so after one loaded the other adds nothing.
 */
export function loadNative(name: NativeName): NativeLoad {
  const cached = loads.get(name);
  if (cached) return cached;
  const pkg = PACKAGES[name];
  let result: NativeLoad;
  try {
    const req = nodeRequire();
    const version = (req(`${pkg}/package.json`) as { version: string }).version;
    req(pkg);
    if (getTf().findBackendFactory('tensorflow') == null) {
      result = { ok: false, version, reason: `${pkg} loaded but registered no 'tensorflow' backend on this @tensorflow/tfjs (a second copy of tfjs-core?)` };
    } else {
      result = { ok: true, version };
    }
  } catch (err) {
    const reason = errorReason(err);
    result = { ok: false, reason: /Cannot find module/.test(reason) ? `${pkg} is not installed (${reason})` : `${pkg} failed to load: ${reason}` };
  }
  loads.set(name, result);
  return result;
}

/** Best effort: the GPU's name from nvidia-smi; null when it cannot be read. */
export function gpuName(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
    const name = out.toString().split('\n')[0].trim();
    return name || null;
  } catch {
    return null;
  }
}

export function cpuModel(): string {
  return cpus()[0]?.model.trim().replace(/\s+/g, ' ') || 'unknown CPU';
}

/** Device description of the active 'tensorflow' backend. */
export function nativeDevice(): string {
  const backend = getTf().backend() as { isUsingGpuDevice?: boolean };
  if (backend.isUsingGpuDevice) return `GPU (TensorFlow CUDA): ${gpuName() ?? 'NVIDIA GPU'}`;
  return `CPU (TensorFlow native, ${cpus().length} threads): ${cpuModel()}`;
}
