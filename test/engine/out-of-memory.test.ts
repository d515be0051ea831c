// The out-of-memory classifier on every form each backend produces (docs/reliability.md F2).
import { describe, expect, it } from 'vitest';
import { classifyOutOfMemory, describeFailure, evidenceOf, isOutOfMemoryReason } from '../../src-main/engine/out-of-memory';
import { describeDeath, tellingLine } from '../../src-main/engine/pool/death';

const runtimeError = (message: string) => Object.assign(new Error(message), { name: 'RuntimeError' });

describe('classifyOutOfMemory', () => {
  it.each([
    // wasm backend
    ['wasm memory.grow refused', new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded')],
    ['wasm buffer', new RangeError('Array buffer allocation failed')],
    ['emscripten', new Error('Aborted(Cannot enlarge memory arrays to size 4294967296 bytes)')],
    ['emscripten OOM abort', new Error('Aborted(OOM)')],
    // cpu backend / JavaScript
    ['typed array', new RangeError('Invalid typed array length: 4294967296')],
    ['array', new RangeError('Invalid array length')],
    // tfjs-node, CUDA
    ['tfjs-node', new Error('OOM when allocating tensor with shape[280000,4096] and type float on /job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu')],
    ['TensorFlow', new Error('Resource exhausted: OOM when allocating tensor')],
    ['CUDA', new Error('CUDA_ERROR_OUT_OF_MEMORY: out of memory')],
    ['cuBLAS', new Error('CUBLAS_STATUS_ALLOC_FAILED')],
    ['C++', new Error('std::bad_alloc')],
    // a worker thread's heap
    ['worker heap', Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' })],
  ])('%s → out of memory', (_what, error) => {
    expect(classifyOutOfMemory(evidenceOf(error))).toBe('out-of-memory');
    expect(describeFailure(error)).toBe(`out of memory: ${error.message} — reduce the batch size or the model size`);
    expect(isOutOfMemoryReason(describeFailure(error))).toBe(true);
  });

  it.each(['memory access out of bounds', 'null function or function signature mismatch'])('the wasm trap "%s" → probably out of memory', (message) => {
    expect(classifyOutOfMemory(evidenceOf(runtimeError(message)))).toBe('probably-out-of-memory');
    expect(describeFailure(runtimeError(message))).toBe(`probably out of memory: ${message} — reduce the batch size or the model size`);
  });

  it('a killed process (SIGKILL, exit 137) → probably; V8 fatal output → out of memory; anything else → null', () => {
    expect(classifyOutOfMemory({ signal: 'SIGKILL' })).toBe('probably-out-of-memory');
    expect(classifyOutOfMemory({ exitCode: 137 })).toBe('probably-out-of-memory');
    expect(classifyOutOfMemory({ signal: 'SIGABRT', output: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' })).toBe('out-of-memory');
    expect(classifyOutOfMemory({ signal: 'SIGSEGV', output: 'Segmentation fault' })).toBeNull();
    expect(classifyOutOfMemory(evidenceOf(new Error('shapes do not match')))).toBeNull();
    expect(describeFailure(new Error('shapes do not match'))).toBe('shapes do not match');
    expect(describeFailure('plain text')).toBe('plain text');
    expect(isOutOfMemoryReason('the worker crashed: out of memory somewhere')).toBe(false);
  });
});

describe('describeDeath', () => {
  it('names the signal, the exit code and the telling output line; adds the hint when memory ran out', () => {
    expect(describeDeath({ kind: 'exit', code: null, signal: 'SIGSEGV', output: 'loading\nSegmentation fault (core dumped)\n' }, 'process')).toEqual({
      reason: 'the training process was ended by SIGSEGV: a memory fault in native code (tfjs-node, TensorFlow or CUDA); its last output: "Segmentation fault (core dumped)"',
      outOfMemory: false,
    });
    expect(describeDeath({ kind: 'exit', code: 3, signal: null, output: '' }, 'thread').reason).toBe('the worker exited with code 3');
    const v8 = '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb8b2a0 node::Abort() [node]\n 2: 0xa9c7d3  [node]\n';
    expect(describeDeath({ kind: 'exit', code: null, signal: 'SIGABRT', output: v8 }, 'process')).toEqual({
      reason: 'out of memory: the training process was ended by SIGABRT: it aborted (a native library or V8 gave up); its last output: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory" — reduce the batch size or the model size',
      outOfMemory: true,
    });
    expect(describeDeath({ kind: 'error', error: new Error('boom') }, 'thread')).toEqual({ reason: 'the worker crashed: boom', outOfMemory: false });
  });

  it('never quotes a stack frame as the telling line', () => {
    expect(tellingLine('Error: test crash\n    at f (/x.js:1:2)\n    at g (/x.js:3:4)\n')).toBe('Error: test crash');
    expect(tellingLine('')).toBeNull();
  });
});
