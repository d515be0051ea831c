// The workflows cannot run here: this checks what can be checked without GitHub. Every file parses, every
// `npm run X` names a script, the release does its steps in order on the three OSes and uploads what
// electron-builder.yml builds, and CI runs .ci/run with the browsers the test harnesses read.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { name?: string; 'runs-on': string; if?: string; needs?: string | string[]; strategy?: { matrix: Record<string, unknown> }; steps: Step[]; permissions?: Record<string, string>; defaults?: { run?: { shell?: string } }; 'timeout-minutes'?: number; env?: Record<string, string> }
interface Workflow { name: string; on: Record<string, unknown>; jobs: Record<string, Job>; permissions?: Record<string, string> }

const DIR = '.github/workflows';
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(path.join(DIR, file), 'utf8');
const workflow = (file: string) => parse(text(file)) as Workflow;
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const stepIndex = (job: Job, match: (s: Step) => boolean) => {
  const index = job.steps.findIndex(match);
  expect(index, `no step matching ${match.toString()}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe.each(files)('%s', (file) => {
  it('parses, and every job has a runner, a time limit and steps that each run or use something', () => {
    expect(text(file)).not.toMatch(/\t/);
    const wf = workflow(file);
    expect(wf.name).toBeTruthy();
    expect(Object.keys(wf.on).length).toBeGreaterThan(0);
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(wf.jobs)) {
      expect(job['runs-on'], id).toBeTruthy();
      expect(job['timeout-minutes'], id).toBeGreaterThan(0);
      expect(job.steps.length, id).toBeGreaterThan(0);
      for (const step of job.steps) expect(Boolean(step.run) !== Boolean(step.uses), JSON.stringify(step)).toBe(true);
    }
  });

  it('names only npm scripts that exist, and only actions pinned to a major version', () => {
    const wf = workflow(file);
    for (const job of Object.values(wf.jobs)) {
      for (const [, script] of runs(job).matchAll(/npm run ([\w:.-]+)/g)) expect(scripts, `npm run ${script}`).toHaveProperty([script]);
      for (const step of job.steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    }
  });

  it('closes every ${{ }} expression', () => {
    const opened = text(file).split('${{').length - 1;
    expect(text(file).split('}}').length - 1).toBe(opened);
  });
});

describe('release.yml', () => {
  const wf = workflow('release.yml');
  const job = wf.jobs.installers;

  it('builds on windows-latest, macos-latest and ubuntu-latest, in bash everywhere, on v* tags or by hand', () => {
    expect(job.strategy?.matrix.os).toEqual(['windows-latest', 'macos-latest', 'ubuntu-latest']);
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    expect(job.defaults?.run?.shell).toBe('bash');
    expect(wf.on.push).toEqual({ tags: ['v*'] });
    expect(wf.on).toHaveProperty('workflow_dispatch');
  });

  it('installs, runs the browser-free tests, packages, smoke-tests the package and uploads it, in that order', () => {
    const install = stepIndex(job, (s) => /^npm ci\b/.test(s.run ?? ''));
    const unit = stepIndex(job, (s) => s.run === 'npm run test:unit');
    const dist = stepIndex(job, (s) => s.run === 'npm run dist');
    const smoke = stepIndex(job, (s) => /npm run smoke:packaged/.test(s.run ?? ''));
    const upload = stepIndex(job, (s) => s.uses?.startsWith('actions/upload-artifact@') ?? false);
    expect([install, unit, dist, smoke, upload]).toEqual([...[install, unit, dist, smoke, upload]].sort((a, b) => a - b));
    expect(job.steps[smoke].run).toMatch(/xvfb-run -a npm run smoke:packaged/);
  });

  it('uploads every installer electron-builder.yml builds, and fails when one is missing', () => {
    const extension: Record<string, string> = { nsis: 'exe', dmg: 'dmg', AppImage: 'AppImage', deb: 'deb' };
    const yml = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, { target: Array<string | { target: string }> }>;
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    const paths = String(upload.with?.path).trim().split('\n').map((p) => p.trim());
    for (const os of ['win', 'mac', 'linux']) {
      for (const target of yml[os].target) {
        const name = typeof target === 'string' ? target : target.target;
        expect(extension[name], `no known installer extension for ${name}`).toBeDefined();
        expect(paths).toContain(`dist/*.${extension[name]}`);
      }
    }
    expect(upload.with?.['if-no-files-found']).toBe('error');
  });

  it('drafts a release only on tags, after every installer passed, with write access only there', () => {
    const release = wf.jobs['draft-release'];
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(release.needs).toBe('installers');
    expect(release.permissions).toEqual({ contents: 'write' });
    expect(runs(release)).toMatch(/gh release create "\$GITHUB_REF_NAME" --draft/);
  });

  it('hands electron-builder the signing secrets the README documents, the Apple ones to macOS only', () => {
    const dist = job.steps.find((s) => s.run === 'npm run dist')!;
    const readme = readFileSync('README.md', 'utf8');
    for (const name of Object.keys(dist.env ?? {})) expect(readme, `README does not explain ${name}`).toContain(`\`${name}\``);
    expect(dist.env?.CSC_LINK).toBe("${{ runner.os == 'macOS' && secrets.CSC_LINK || '' }}");
  });
});

describe('ci.yml and .ci/run', () => {
  const job = workflow('ci.yml').jobs.test;

  it('runs .ci/run, which runs every test through npm test, the unit suite included', () => {
    expect(job.steps.at(-1)?.run).toBe('.ci/run');
    // Windows keeps no executable bit; git does, and the CI job runs on Linux.
    if (process.platform !== 'win32') expect(statSync('.ci/run').mode & 0o111).not.toBe(0);
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/npm run test:all/);
    expect(scripts['test:all']).toMatch(/npm test$/);
    expect(scripts.test).toContain('npm run test:unit');
    expect(scripts.test).toContain('npm run test:ui');
    expect(scripts.test).toContain('npm run test:e2e');
  });

  it('points the browser tests at a Chromium through the variables the harnesses read', () => {
    const harnesses = ['test/renderer/ui/browser.ts', 'test/e2e/serve-harness.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const name of Object.keys(job.env ?? {})) expect(harnesses).toContain(`process.env.${name}`);
    expect(Object.keys(job.env ?? {}).sort()).toEqual(['CHROMIUM', 'EPOCHLAB_CHROMIUM']);
    expect(readFileSync('scripts/ensure-chromium.sh', 'utf8')).toContain('EPOCHLAB_CHROMIUM');
  });

  it('keeps the release’s browser-free suite to the default vitest config, which leaves out the UI and end-to-end tests', () => {
    expect(scripts['test:unit']).toBe('vitest run');
    const config = readFileSync('vitest.config.ts', 'utf8');
    expect(config).toContain("exclude: ['test/e2e/**'");
    expect(config).toContain("include: ['test/**/*.test.ts']");
    expect(scripts['test:ui']).toContain('--config');
  });
});
