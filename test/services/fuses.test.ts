import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fuseProblems, PACKAGED_FUSES, readFuses } from '../../src-main/services/fuses';
import { builderFuseConfig, fakeElectronBinary } from './fuse-fixtures';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'epochlab-fuses-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the fuses Epochlab is packaged with', () => {
  it('are the ones electron-builder.yml flips, value for value', () => {
    const expected = Object.fromEntries(Object.entries(PACKAGED_FUSES).map(([name, on]) => [FuseV1Options[name as keyof typeof FuseV1Options], on]));
    expect(builderFuseConfig()).toEqual(expected);
  });

  it('keep Node out of the binary and the app in its checked asar', () => {
    expect(PACKAGED_FUSES).toMatchObject({
      RunAsNode: false, EnableNodeOptionsEnvironmentVariable: false, EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true, OnlyLoadAppFromAsar: true,
    });
  });
});

describe('readFuses', () => {
  it('reads back what electron-builder flipped, with no problem against the policy', async () => {
    const binary = join(dir, 'epochlab');
    // Electron's defaults: RunAsNode, cookie encryption off, NODE_OPTIONS and --inspect on, integrity off…
    writeFileSync(binary, fakeElectronBinary('10110000r'));
    await flipFuses(binary, { version: FuseVersion.V1, ...builderFuseConfig() });
    const fuses = await readFuses(binary);
    expect(fuses).toMatchObject({
      RunAsNode: 'off', EnableCookieEncryption: 'on', EnableNodeOptionsEnvironmentVariable: 'off', EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on', OnlyLoadAppFromAsar: 'on', LoadBrowserProcessSpecificV8Snapshot: 'off',
    });
    expect(fuses.fuse8).toBe('removed');
    expect(fuseProblems(fuses)).toEqual([]);
  });

  it('names every fuse an unpackaged Electron leaves open', async () => {
    const binary = join(dir, 'electron');
    writeFileSync(binary, fakeElectronBinary('10110000'));
    expect(fuseProblems(await readFuses(binary))).toEqual([
      'RunAsNode is on, expected off',
      'EnableCookieEncryption is off, expected on',
      'EnableNodeOptionsEnvironmentVariable is on, expected off',
      'EnableNodeCliInspectArguments is on, expected off',
      'EnableEmbeddedAsarIntegrityValidation is off, expected on',
      'OnlyLoadAppFromAsar is off, expected on',
    ]);
  });

  it('says when a fuse is missing from an old binary, and refuses a file with no fuse wire', async () => {
    const binary = join(dir, 'old');
    writeFileSync(binary, fakeElectronBinary('0100'));
    expect(fuseProblems(await readFuses(binary))).toContain('OnlyLoadAppFromAsar is missing from the binary, expected on');
    writeFileSync(binary, Buffer.alloc(1000, 7));
    await expect(readFuses(binary)).rejects.toThrow(/sentinel/);
  });
});
