/**
 * One classifier for every form out-of-memory takes in every backend (docs/reliability.md F2): an error
 * thrown in the training loop, a worker thread's heap running out, a training process killed or aborted.
 * A trial that ran out of memory fails with a hint to shrink it, and its worker is replaced: a wasm module
 * whose allocation failed may be left unusable, and its heap never shrinks.
 */
export const OUT_OF_MEMORY_HINT = 'reduce the batch size or the model size';

/** What is known about a failure: an error's fields, or how a training process ended and what it printed last. */
export interface FailureEvidence {
  message?: string;
  /** Error.name, e.g. RuntimeError for a WebAssembly trap. */
  name?: string;
  /** Node's error code, e.g. ERR_WORKER_OUT_OF_MEMORY. */
  code?: string;
  signal?: string | null;
  exitCode?: number | null;
  /** The last output of a training process (native libraries and V8 print their fatal errors there). */
  output?: string;
}

export type MemoryVerdict = 'out-of-memory' | 'probably-out-of-memory' | null;

/** Messages that only an allocation failure produces, by backend. */
const OUT_OF_MEMORY_PATTERNS: readonly RegExp[] = [
  // Any runtime that says so (tfjs-node "OOM when allocating", CUDA "out of memory", emscripten "Aborted(OOM)").
  /\bout of memory\b/i, /\bOOM\b/,
  // wasm: growing the module's memory failed (V8 refuses the buffer, or emscripten cannot enlarge it).
  /WebAssembly\.Memory/i, /Maximum memory size exceeded/i, /Cannot enlarge memory/i, /Array buffer allocation failed/i,
  // JavaScript: an array or typed array too large to exist.
  /Invalid typed array length/i, /Invalid array (buffer )?length/i, /Invalid string length/i,
  // V8's heap limit, in a worker thread or a process (its fatal error is printed before it aborts).
  /heap out of memory/i, /Reached heap limit/i,
  // TensorFlow native and CUDA.
  /Resource ?exhausted/i, /CUDA_ERROR_OUT_OF_MEMORY/, /(CUBLAS|CUDNN)_STATUS_ALLOC_FAILED/, /failed to allocate/i, /std::bad_alloc/,
  /\bAllocation failed\b/i, /Cannot allocate memory/i, /\bENOMEM\b/,
];

/**
 * WebAssembly traps that a failed allocation leaves behind in tfjs' wasm backend: its malloc returns 0 and
 * the next kernel writes or calls through it (measured: a 13 GB activation gives "memory access out of
 * bounds", a 6 GB one "null function or function signature mismatch"). A bug can trap the same way, so
 * these read "probably".
 */
const WASM_ALLOCATION_TRAP = /memory access out of bounds|null function or function signature mismatch/i;

export function evidenceOf(error: unknown): FailureEvidence {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { message: error.message, name: error.name, code: typeof code === 'string' ? code : undefined };
  }
  return { message: String(error) };
}

export function classifyOutOfMemory(evidence: FailureEvidence): MemoryVerdict {
  if (evidence.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out-of-memory';
  const text = [evidence.message, evidence.output].filter(Boolean).join('\n');
  if (OUT_OF_MEMORY_PATTERNS.some((pattern) => pattern.test(text))) return 'out-of-memory';
  if (WASM_ALLOCATION_TRAP.test(evidence.message ?? '')) return 'probably-out-of-memory';
  // The kernel's out-of-memory killer sends SIGKILL; a shell reports that as exit code 128 + 9.
  if (evidence.signal === 'SIGKILL' || evidence.exitCode === 137) return 'probably-out-of-memory';
  return null;
}

/** `detail` as a trial's end reason when `verdict` says memory ran out; `detail` unchanged otherwise. */
export function outOfMemoryReason(verdict: MemoryVerdict, detail: string): string {
  if (verdict === null) return detail;
  return `${verdict === 'out-of-memory' ? 'out of memory' : 'probably out of memory'}: ${detail} — ${OUT_OF_MEMORY_HINT}`;
}

/** Whether an end reason is one that outOfMemoryReason wrote. */
export function isOutOfMemoryReason(reason: string): boolean {
  return /^(probably )?out of memory: /.test(reason);
}

/** A training error as a trial's end reason: its message, with the hint when it is out-of-memory. */
export function describeFailure(error: unknown): string {
  const evidence = evidenceOf(error);
  return outOfMemoryReason(classifyOutOfMemory(evidence), evidence.message ?? String(error));
}
