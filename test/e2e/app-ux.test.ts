// Real `epochlab serve` with its own --data-dir, driven in Chromium: Stop leaves an experiment `stopped` with
// the planned total; an early-stopped run reads as a normal outcome; a tag added in the browser is seen by the
// CLI; commands the page shows carry the server's --data-dir; the UI bundle is served compressed.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentDetail, ExperimentSummary } from '../../src-main/contract';
import { ARTIFACTS, launchBrowser, screenshot, servedApi, startServe, watchedPage, type Served } from './serve-harness';

let served: Served;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let api: ReturnType<typeof servedApi>;

beforeAll(async () => {
  [served, browser] = await Promise.all([startServe(), launchBrowser()]);
  ({ page, errors: pageErrors } = await watchedPage(browser));
  api = servedApi(page, () => served.origin);
  await page.goto(served.url);
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const moons = (name: string, params: object, training: object = {}) => ({
  spec: { name, dataset: { id: 'moons', size: 410, noise: 0.2, seed: 1 }, model: { template: 'mlp', hidden: [16] }, params, training },
});

describe('app UX against epochlab serve', () => {
  it('Stop leaves the experiment stopped, with the trials that never started counted against the planned total', async () => {
    // Four long trials, two at a time: two are still queued when Stop is pressed.
    const created = await api<ExperimentSummary>('createExperiment', moons('long grid', { batchSize: 1, epochs: 200, seed: [1, 2, 3, 4] }));
    // Workers load TensorFlow.js first: on a loaded machine the first step can take a while.
    await expect
      .poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).runs.some((r) => r.stepsDone > 0), { timeout: 180_000, interval: 500 })
      .toBe(true);
    await page.goto(`${served.origin}/#/experiments/${created.id}`);
    await page.locator('[data-test=run-progress]').first().waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Stop all' }).click();
    await expect.poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).status, { timeout: 60_000 }).toBe('stopped');
    const detail = await api<ExperimentDetail>('getExperiment', { experimentId: created.id });
    const planned = detail.runs.reduce((n, r) => n + r.accounting.totalIterations, 0);
    const done = detail.runs.reduce((n, r) => n + r.stepsDone, 0);
    expect(detail.runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(detail.progress).toMatchObject({ plannedIterations: planned, doneIterations: done, endedTrials: 0, unfinishedTrials: 4 });
    expect(detail.progress.fraction).toBeLessThan(0.5);

    await page.reload();
    await page.locator('[data-test=leftover]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-test=experiment-status]').innerText()).toBe('stopped');
    const numbers = (await page.locator('[data-test=progress-numbers]').innerText()).replace(/\s+/g, ' ');
    expect(numbers).toContain(`${Math.floor(detail.progress.fraction * 100)} % · ${done.toLocaleString('en-US')} of ${planned.toLocaleString('en-US')} planned iterations`);
    expect(await page.locator('[data-test=resume-command]').innerText()).toBe(`epochlab --data-dir ${served.dataDir} resume ${created.id}`);
    await screenshot(page, '10-experiment-stopped');
  });

  it('an early-stopped run is a normal outcome with its stop epoch, best epoch and rule; a tag added here reaches the CLI', async () => {
    const created = await api<ExperimentSummary>('createExperiment', moons('early', { batchSize: 16, epochs: 60, learningRate: 0.05 }, { earlyStopping: { monitor: 'val_loss', patience: 1, minDelta: 0.05 } }));
    await expect.poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).status, { timeout: 180_000, interval: 500 }).toBe('finished');
    const [run] = (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).runs;
    expect(run.status).toBe('early-stopped');
    await page.goto(`${served.origin}/#/runs/${run.id}`);
    await page.locator('[data-test=run-outcome]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-test=run-error]').count()).toBe(0);
    const outcome = (await page.locator('[data-test=run-outcome]').innerText()).replace(/\s+/g, ' ');
    expect(outcome).toContain(`Stopped early after epoch ${run.stopEpoch} of 60 · best epoch ${run.bestEpoch}`);
    expect(outcome).toContain(`early stopping: val_loss did not improve by more than 0.05 for 1 epoch; best epoch ${run.bestEpoch}, stopped after epoch ${run.stopEpoch}`);
    expect((await page.locator('[data-test=breadcrumbs]').innerText()).replace(/\s+/g, ' ')).toBe(`Experiments / early (experiment ${created.id}) / run ${run.id}`);

    await page.locator('[data-test=add-tag]').click();
    await page.locator('[data-test=tag-input] input').fill('patience-1');
    await page.locator('[data-test=tag-input] input').press('Enter');
    await page.locator('[data-test=tag]').getByText('patience-1').waitFor();
    await screenshot(page, '11-run-early-stopped');
    // The CLI, on the same data folder while serve trains there, reads the tag.
    const show = spawnSync(process.execPath, [resolve('out/node/cli.js'), '--data-dir', served.dataDir, 'show', String(run.id)], { encoding: 'utf8', timeout: 60_000 });
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^tags: #patience-1$/m);
    expect(show.stdout).toMatch(new RegExp(`^run ${run.id} · trial 1 of experiment ${created.id} — early-stopped$`, 'm'));
  });

  it('after kill -9 of serve mid-training, the restarted server shows the experiment interrupted and offers Resume', async () => {
    const created = await api<ExperimentSummary>('createExperiment', moons('crashed grid', { batchSize: 1, epochs: 200, seed: [1, 2, 3] }));
    await expect
      .poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).runs.some((r) => r.stepsDone > 0), { timeout: 180_000, interval: 300 })
      .toBe(true);
    const exited = new Promise((r) => served.process.once('exit', r));
    served.process.kill('SIGKILL');
    await exited;
    served = await startServe([], { dataDir: served.dataDir });
    await page.goto(served.url);
    // The router's first navigation ends by writing `#/` (replaceState): a hash set before that is overwritten,
    // and the page would stay on the list. Wait for it, as a person would see the list first.
    await page.waitForURL(/#\/$/, { timeout: 90_000 });
    const detail = await api<ExperimentDetail>('getExperiment', { experimentId: created.id });
    expect(detail.status).toBe('interrupted');
    expect(detail.runs.map((r) => r.status).sort()).toEqual(['interrupted', 'interrupted', 'queued']);
    expect(detail.progress.plannedIterations).toBe(detail.runs.reduce((n, r) => n + r.accounting.totalIterations, 0));
    // A fresh server answers its first page once it has probed the backends (slow on a loaded machine).
    // A hash change can still lose that race on a slow start: open the page by a full load of its address,
    // and once more if the first load stayed on the list (bounded: 6 tries of up to 20 s).
    const leftover = page.locator('[data-test=leftover]');
    for (let attempt = 0; attempt < 6 && !(await leftover.isVisible()); attempt++) {
      await page.goto(`${served.origin}/#/experiments/${created.id}`);
      await page.reload();
      await leftover.waitFor({ timeout: 20_000 }).catch(() => undefined);
    }
    await leftover.waitFor({ timeout: 1_000 });
    expect(await page.locator('[data-test=experiment-status]').innerText()).toBe('interrupted');
    expect((await page.locator('[data-test=leftover]').innerText()).replace(/\s+/g, ' ')).toContain('Interrupted. Epochlab stopped while this experiment was training: 3 of 3 trials are unfinished.');
    await screenshot(page, '14-experiment-interrupted');

    await page.goto(`${served.origin}/#/`);
    await page.locator('[data-test=experiment-link]').nth(2).waitFor({ timeout: 20_000 });
    const rows = (await page.locator('.n-data-table-tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
    expect(rows.find((r) => r.includes('crashed grid'))).toContain('interrupted');
    expect(rows.find((r) => r.includes('long grid'))).toContain('stopped');
    expect(rows.find((r) => r.includes('early'))).toContain('finished');
    await screenshot(page, '12-experiments-list');

    // Resume in the browser: the real services queue every run isResumable accepts (and the queued one) again.
    await page.goto(`${served.origin}/#/experiments/${created.id}`);
    await page.locator('[data-test=resume-leftover]').click();
    await expect.poll(async () => page.locator('[data-test=experiment-status]').innerText(), { timeout: 60_000 }).toBe('running');
    await expect.poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).runs.filter((r) => r.status === 'running' || r.status === 'queued').length, { timeout: 60_000 }).toBe(3);
    await api('cancelExperiment', { experimentId: created.id });
    await expect.poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: created.id })).status, { timeout: 60_000, interval: 300 }).toBe('stopped');
  });

  it('the form shows every error at once; dark mode follows the OS; ? opens the shortcuts', async () => {
    await page.goto(`${served.origin}/#/new`);
    await page.locator('[data-test=trial-count]').waitFor({ timeout: 20_000 });
    await page.locator('[data-test=name] input').fill('');
    await page.locator('[data-test=param-batchSize] input').fill('16, 0');
    await page.locator('[data-test=param-learningRate] input').fill('-0.1');
    await page.locator('[data-test=param-optimizer] input').fill('adamw');
    await page.locator('[data-test=param-epochs] input').fill('ten');
    await page.locator('[data-test=param-epochs]').getByText(/"ten" is not a number/).waitFor();
    expect(await page.locator('[data-test=run-blocked]').innerText()).toBe('Fix the 5 problems marked in red.');
    await screenshot(page, '13-new-experiment-errors');

    const { page: dark, errors: darkErrors } = await watchedPage(browser, 'dark');
    await dark.goto(served.url);
    await dark.locator('[data-test=live-state]').waitFor({ timeout: 20_000 });
    await dark.goto(`${served.origin}/#/experiments/2`);
    await dark.locator('[data-test=run-table]').waitFor({ timeout: 30_000 });
    await dark.waitForTimeout(800);
    await screenshot(dark, '15-dark-mode');
    await dark.keyboard.press('?');
    await dark.locator('[data-test=help]').getByText('Keyboard shortcuts').waitFor();
    await dark.screenshot({ path: resolve(ARTIFACTS, '16-help-overlay.png') });
    await dark.close();
    expect(darkErrors).toEqual([]);
  });

  it('serves the UI bundle compressed, and the page still loads with no error or CSP violation', async () => {
    const html = await (await page.request.get(`${served.origin}/`)).text();
    const script = /src="\.?(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const response = await page.request.get(`${served.origin}${script}`, { headers: { 'Accept-Encoding': 'br' } });
    expect(response.status()).toBe(200);
    expect(response.headers()['content-encoding']).toBe('br');
    expect(response.headers().vary).toBe('Accept-Encoding');
    expect(pageErrors).toEqual([]);
  });
});
