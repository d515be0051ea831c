import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINUX_EXECUTABLE, packagedBinary, PRODUCT_NAME, smokePackaged } from '../../scripts/smoke-packaged.mjs';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'epochlab-smoke-packaged-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const passing = {
  ok: true, failure: null, version: '0.1.0', electron: '45.5.0', platform: 'linux', arch: 'x64', backend: { name: 'wasm' }, backends: ['wasm'],
  run: { status: 'completed' }, fuses: { RunAsNode: 'off' }, window: 'the page shows “Epochlab smoke test” through the preload bridge', seconds: 9.5,
};

/** A stand-in for the packaged app: a Node script that writes `report` where --smoke-test-report says, then exits. */
function fakeApp(report: object | null, exitCode: number, hang = false): string {
  const file = path.join(dir, 'app.mjs');
  writeFileSync(file, `#!${process.execPath}
import { writeFileSync } from 'node:fs';
const arg = process.argv.find((a) => a.startsWith('--smoke-test-report='));
if (!process.argv.includes('--smoke-test') || !arg) process.exit(9);
${hang ? 'setInterval(() => {}, 1000);' : ''}
${report ? `writeFileSync(arg.slice('--smoke-test-report='.length), ${JSON.stringify(JSON.stringify(report))} + '\\n');` : ''}
${hang ? '' : `process.exit(${exitCode});`}
`);
  chmodSync(file, 0o755);
  return file;
}

describe.skipIf(process.platform === 'win32')('smokePackaged', () => {
  it('passes on an ok report and exit 0, summing the report up in one line', async () => {
    const result = await smokePackaged({ binary: fakeApp(passing, 0) });
    expect(result).toEqual({ status: 0, line: 'smoke test passed in 9.5 s: Epochlab 0.1.0 on linux-x64, run completed on wasm; the page shows “Epochlab smoke test” through the preload bridge; fuses: RunAsNode off' });
  });

  it('fails with the app’s own reason, or because the report and the exit code disagree', async () => {
    expect(await smokePackaged({ binary: fakeApp({ ...passing, ok: false, failure: 'reading the fuses: RunAsNode is on, expected off' }, 1) }))
      .toEqual({ status: 1, line: 'smoke test failed (exited 1): reading the fuses: RunAsNode is on, expected off' });
    expect((await smokePackaged({ binary: fakeApp(passing, 3) })).line).toBe('smoke test: the report says ok but the app exited 3');
  });

  it('fails when the app dies without a report, will not start, or hangs', async () => {
    expect((await smokePackaged({ binary: fakeApp(null, 134) })).line).toMatch(/exited 134 without writing a report$/);
    expect((await smokePackaged({ binary: path.join(dir, 'missing') })).line).toMatch(/^smoke test: cannot start .*missing: .*ENOENT/);
    expect(await smokePackaged({ binary: fakeApp(null, 0, true), timeoutMs: 500 })).toEqual({ status: 1, line: `smoke test: ${path.join(dir, 'app.mjs')} did not finish within 0.5 s and was killed` });
  });
});

describe('packagedBinary', () => {
  it('knows where electron-builder leaves the unpacked app on each OS and architecture', () => {
    expect(packagedBinary('dist', 'linux', 'x64')).toEqual([path.join('dist', 'linux-unpacked', 'epochlab')]);
    expect(packagedBinary('dist', 'linux', 'arm64')).toEqual([path.join('dist', 'linux-arm64-unpacked', 'epochlab')]);
    expect(packagedBinary('dist', 'win32', 'x64')).toEqual([path.join('dist', 'win-unpacked', 'Epochlab.exe')]);
    expect(packagedBinary('dist', 'win32', 'arm64')).toEqual([path.join('dist', 'win-arm64-unpacked', 'Epochlab.exe')]);
    expect(packagedBinary('dist', 'darwin', 'arm64')).toEqual([
      path.join('dist', 'mac-arm64', 'Epochlab.app', 'Contents', 'MacOS', 'Epochlab'),
      path.join('dist', 'mac-universal', 'Epochlab.app', 'Contents', 'MacOS', 'Epochlab'),
    ]);
    expect(packagedBinary('dist', 'darwin', 'x64')[0]).toBe(path.join('dist', 'mac', 'Epochlab.app', 'Contents', 'MacOS', 'Epochlab'));
  });

  it('uses the names electron-builder.yml gives the app', () => {
    const yml = parse(readFileSync('electron-builder.yml', 'utf8')) as { productName: string; linux: { executableName: string } };
    expect(PRODUCT_NAME).toBe(yml.productName);
    expect(LINUX_EXECUTABLE).toBe(yml.linux.executableName);
  });
});
