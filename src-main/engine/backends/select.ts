/**
 * Backends for training: which ones load here, and making one of them tfjs' active backend.
 * Order of preference: native TensorFlow with CUDA, native TensorFlow on CPU, WebAssembly (always
 * installs; made trainable and fast by ./wasm-kernels), plain JavaScript.
 */
import type { BackendChoice, BackendInfo, BackendName, BackendProbe } from '../../contract/records';
import { loadNative, nativeDevice, cpuModel, type NativeName } from './native';
import { errorReason } from './node-require';
import { getTf } from './tf';
import { WASM_VERSION, checkWasm, prepareWasm, wasmDevice } from './wasm';
import { heapOf } from './wasm-kernels/heap';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export { getTf } from './tf';
export { registerWasmTrainingKernels } from './wasm-kernels/register';
export { FusedAdam } from './fused-adam';

const ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The tfjs backend name each of ours runs on. */
const TF_NAME: Record<BackendName, string> = { 'tensorflow-gpu': 'tensorflow', tensorflow: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

function coreVersion(): string {
  return getTf().version_core;
}

async function probeOne(name: BackendName): Promise<BackendProbe> {
  try {
    switch (name) {
      case 'tensorflow-gpu':
      case 'tensorflow': {
        const load = loadNative(name as NativeName);
        return load.ok
          ? { name, available: true, version: load.version }
          : { name, available: false, version: load.version, reason: load.reason };
      }
      case 'wasm':
        checkWasm();
        return { name, available: true, version: WASM_VERSION, device: `CPU (wasm SIMD, 1 thread): ${cpuModel()}` };
      case 'cpu':
        return { name, available: true, version: coreVersion(), device: `CPU (JavaScript, 1 thread): ${cpuModel()}` };
    }
  } catch (err) {
    return { name, available: false, reason: errorReason(err) };
  }
}

/**
 * Which backends can run here, in order of preference, with the reason for each that cannot.
 * Probing loads a native package if present (that registers it) but does not change the active backend.
 */
export async function probeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of ORDER) probes.push(await probeOne(name));
  return probes;
}

/**
 * tfjs' cpu backend prints a banner urging to install tfjs-node on its first tensor write; Epochlab
 * reports the backends itself (probeBackends), so the banner would only be noise in a worker's output.
 * It is keyed on a private flag: if a tfjs version renames it, the banner simply comes back.
 */
function quietCpuBanner(): void {
  const backend = getTf().findBackend('cpu') as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}

async function activate(name: BackendName): Promise<BackendInfo> {
  const tf = getTf();
  let version: string;
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const load = loadNative(name);
    if (!load.ok) throw new Error(load.reason);
    version = load.version ?? 'unknown';
  } else if (name === 'wasm') {
    prepareWasm();
    version = WASM_VERSION;
  } else {
    version = coreVersion();
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(TF_NAME[name]);
  } catch (err) {
    throw new Error(`${name}: initialisation failed: ${errorReason(err)}`);
  }
  if (!ok) throw new Error(`${name}: tfjs could not initialise the '${TF_NAME[name]}' backend (see the warning above)`);
  await tf.ready();
  if (name === 'cpu') quietCpuBanner();
  const device =
    name === 'wasm' ? wasmDevice()
    : name === 'cpu' ? `CPU (JavaScript, 1 thread): ${cpuModel()}`
    : nativeDevice();
  return { name, version, device };
}

/**
 * Makes a backend tfjs' active one. 'auto' takes the first that initialises in the order above; a
 * named backend that fails throws with the reason. For wasm this also registers the training kernels.
 */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice !== 'auto') return activate(choice);
  const reasons: string[] = [];
  for (const name of ORDER) {
    try {
      return await activate(name);
    } catch (err) {
      reasons.push(`${name}: ${errorReason(err)}`);
    }
  }
  throw new Error(`no backend could be initialised: ${reasons.join('; ')}`);
}

/**
 * Bytes the active backend holds: for wasm the whole heap, which only ever grows (its peak stays for the
 * life of the thread); elsewhere what tfjs reports for live tensors.
 */
export function backendMemoryBytes(): number {
  const tf = getTf();
  if (tf.getBackend() === 'wasm') return heapOf(tf.backend() as BackendWasm).HEAPU8.byteLength;
  return tf.memory().numBytes;
}
