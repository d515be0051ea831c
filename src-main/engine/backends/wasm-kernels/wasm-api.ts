/**
 * The few WebAssembly JS API types we use. The project's TypeScript lib is ES2022 without DOM, and
 * @types/node does not declare WebAssembly.Memory/Instance, so we type the global ourselves.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmApi {
  Memory: abstract new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: (new (bytes: Uint8Array) => WasmModule) & {
    exports(module: WasmModule): Array<{ name: string; kind: string }>;
    imports(module: WasmModule): Array<{ module: string; name: string; kind: string }>;
  };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
