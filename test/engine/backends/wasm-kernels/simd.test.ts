// The committed SIMD binary: the embedded copy is the .wasm file next to its source, and the module
// imports nothing but tfjs' memory (anything else could write outside the tensors it is given).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHA256 } from '../../../../src-main/engine/backends/simd/kernels-wasm';
import { wasmApi } from '../../../../src-main/engine/backends/wasm-kernels/wasm-api';

const dir = join(__dirname, '../../../../src-main/engine/backends/simd');

describe('simd/kernels.wasm', () => {
  it('kernels-wasm.ts embeds the committed kernels.wasm (rebuild with simd/build.mjs)', () => {
    const file = readFileSync(join(dir, 'kernels.wasm'));
    const embedded = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    expect(embedded.equals(file)).toBe(true);
    expect(createHash('sha256').update(file).digest('hex')).toBe(KERNELS_WASM_SHA256);
  });

  it('imports only a memory', () => {
    const mod = new wasmApi.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    expect(wasmApi.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
});
