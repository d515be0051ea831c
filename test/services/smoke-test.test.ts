// The smoke test with the real services: a real trial trained in a worker on the default backend.
import { flipFuses, FuseVersion } from '@electron/fuses';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src-main/services/create-services';
import { readFuses } from '../../src-main/services/fuses';
import { runSmokeTest, SMOKE_EPOCHS, type SmokeTestDeps } from '../../src-main/services/smoke-test';
import { WORKER_SCRIPT } from './harness';
import { builderFuseConfig, fakeElectronBinary } from './fuse-fixtures';

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'epochlab-smoke-test-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

const about = { version: '0.1.0', electron: null, platform: process.platform, arch: process.arch };

function deps(extra: Partial<SmokeTestDeps> = {}): SmokeTestDeps {
  // As the app creates them: default backend (`auto`), default concurrency.
  return { about, tempDir: temp, openServices: (dataDir) => createServices({ dataDir, workerScript: WORKER_SCRIPT }), readFuses: async () => ({ packaged: false }), ...extra };
}

async function packagedBinary(flipped: boolean): Promise<string> {
  const binary = join(temp, flipped ? 'Epochlab' : 'electron');
  writeFileSync(binary, fakeElectronBinary('10110000'));
  if (flipped) await flipFuses(binary, { version: FuseVersion.V1, ...builderFuseConfig() });
  return binary;
}

describe('runSmokeTest', () => {
  it('trains one trial on the default backend, finds it stored and completed, and reports fuses as not packaged', async () => {
    const report = await runSmokeTest(deps());
    expect(report.failure).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.run).toMatchObject({ status: 'completed', epochs: SMOKE_EPOCHS });
    expect(report.run!.steps).toBe(report.run!.totalSteps);
    expect(report.run!.checkpoints).toBeGreaterThan(0);
    // `auto` picks the first backend that loads; here (no tfjs-node) that is wasm.
    expect(report.backend?.name).toBe(report.backends.find((b) => !b.includes(':')));
    expect(report.fuses).toBe('not packaged');
    expect(report.window).toBe('not checked');
    expect(readdirSync(temp)).toEqual([]); // its data folder is gone
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('passes a packaged binary flipped as electron-builder.yml says, and fails one left as Electron ships', async () => {
    const good = await packagedBinary(true);
    const bad = await packagedBinary(false);
    const reading = (binary: string) => async () => ({ packaged: true as const, binary, fuses: await readFuses(binary) });
    const passed = await runSmokeTest(deps({ readFuses: reading(good), checkWindow: async () => ({ ok: true, detail: 'shown' }) }));
    expect(passed.ok).toBe(true);
    expect(passed.fuses).toMatchObject({ RunAsNode: 'off', EnableEmbeddedAsarIntegrityValidation: 'on' });
    expect(passed.window).toBe('shown');

    const failed = await runSmokeTest(deps({ readFuses: reading(bad) }));
    expect(failed.ok).toBe(false);
    expect(failed.failure).toMatch(/^reading the fuses: .*electron: RunAsNode is on, expected off; .*EnableEmbeddedAsarIntegrityValidation is off, expected on/);
    expect(failed.run?.status).toBe('completed');
  });

  it('fails with the run’s own error when training fails in the worker', async () => {
    const report = await runSmokeTest(deps({ openServices: (dataDir) => createServices({ dataDir, workerScript: join(temp, 'no-such-worker.js') }) }));
    expect(report.ok).toBe(false);
    expect(report.failure).toMatch(/^training one trial: the run ended failed: the worker crashed: Cannot find module .*no-such-worker\.js/);
    expect(report.fuses).toBeNull();
  });

  it('fails when the window does not show the trained experiment, and still removes its data folder', async () => {
    const report = await runSmokeTest(deps({ checkWindow: async () => ({ ok: false, detail: 'the page loaded without the preload bridge (window.epochlab)' }) }));
    expect(report.failure).toBe('showing the window: the page loaded without the preload bridge (window.epochlab)');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('fails fast when the data folder cannot be opened, and times out instead of hanging', async () => {
    const refused = await runSmokeTest(deps({ openServices: async () => { throw new Error('the database is locked'); } }));
    expect(refused.failure).toBe('opening the data folder: the database is locked');
    const stuck = await runSmokeTest(deps({ timeoutMs: 200, openServices: () => new Promise(() => undefined) }));
    expect(stuck.failure).toBe('opening the data folder: timed out after 0.2 s');
    expect(stuck.seconds).toBeLessThan(60);
    expect(readdirSync(temp)).toEqual([]);
  });
});
