/** Stand-ins for packaged Electron binaries, and electron-builder.yml's fuse settings, for the fuse tests. */
import { FuseV1Options } from '@electron/fuses';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parse } from 'yaml';

/** Where Electron's binaries keep the fuse wire: after this marker, a version byte, a length byte, the fuses. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** A stand-in for an Electron binary: some code bytes, the sentinel and a wire of `states` ('0'/'1'/'r'). */
export function fakeElectronBinary(states: string): Buffer {
  return Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, states.length]), Buffer.from(states, 'latin1'), Buffer.alloc(4096, 0xcc)]);
}

/** Settings of electronFuses that tell @electron/fuses how to write, not what. */
const FUSE_OPTIONS = new Set(['resetAdHocDarwinSignature', 'strictlyRequireAllFuses']);

/** electron-builder.yml's electronFuses, as electron-builder hands them to @electron/fuses. */
export function builderFuseConfig(): Record<number, boolean> {
  const yml = parse(readFileSync('electron-builder.yml', 'utf8')) as { electronFuses: Record<string, boolean> };
  const config: Record<number, boolean> = {};
  for (const [key, value] of Object.entries(yml.electronFuses)) {
    if (FUSE_OPTIONS.has(key)) continue;
    const name = `${key[0].toUpperCase()}${key.slice(1)}` as keyof typeof FuseV1Options;
    expect(FuseV1Options[name], `electronFuses.${key} is not a fuse @electron/fuses knows`).toBeTypeOf('number');
    config[FuseV1Options[name]] = value;
  }
  return config;
}
