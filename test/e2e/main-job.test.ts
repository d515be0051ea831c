// The main job, as a first-time user does it in the browser: build a batch-size × learning-rate grid on
// mnist-10k in the form, run it for real (worker threads, SQLite), watch it train, and answer from the
// Compare view which batch size reached the lowest validation loss, at which epoch, after how many
// iterations and samples. Screenshots of every view go to test-artifacts/e2e/ (used by the README).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iterationAccounting, splitSizes, type ExperimentDetail, type EpochMetric } from '../../src-main/contract';
import { callApi, launchBrowser, screenshot, startServe, type Served } from './serve-harness';

let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  served = await startServe();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // CSP violations (inline script, eval, a connection the policy forbids) are collected in the page.
  await page.addInitScript(() => {
    const w = globalThis as unknown as { __violations: string[]; document: { addEventListener(t: string, l: (e: { violatedDirective: string; blockedURI: string }) => void): void } };
    w.__violations = [];
    w.document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const api = <T>(method: string, input: unknown = {}) => callApi<T>(page, served, method, input);

describe('the main job in the browser, against epochlab serve', () => {
  it('opens with the token link and lands on the experiments list', async () => {
    await page.goto(served.url);
    await page.getByText('No experiments yet').waitFor();
    expect(page.url()).not.toContain('token=');
    await screenshot(page, '01-experiments-empty');
  });

  it('builds a batch size × learning rate grid on mnist-10k, with the preview following the form', async () => {
    await page.goto(`${served.origin}/#/new`);
    await page.locator('[data-test=dataset-picker] .n-select').click();
    await page.locator('.n-base-select-option', { hasText: 'MNIST 10k' }).click();
    await page.locator('[data-test=dataset-info]').getByText(/N train\s*8,?000/).waitFor();

    const nTrain = splitSizes([1000], 0.2).nTrain * 10; // the stratified split of 10 balanced classes is 8000
    expect(nTrain).toBe(8000);
    await page.locator('[data-test=param-batchSize] input').fill('64, 500');
    await page.locator('[data-test=param-learningRate] input').fill('0.01, 0.001');
    // Five epochs keep the grid training long enough (several seconds) to watch its live progress.
    await page.locator('[data-test=param-epochs] input').fill('5');
    await expect.poll(async () => (await page.locator('[data-test=trial-count]').textContent())?.trim(), { timeout: 15_000 }).toBe('4');
    const rows = (await page.locator('[data-test=batch-table] tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    for (const [b, row] of [[64, rows[0]], [500, rows[1]]] as const) {
      const a = iterationAccounting(8000, b, 5);
      expect(row.slice(0, 4)).toEqual([String(b), String(a.iterationsPerEpoch), String(a.lastBatchSize), String(a.totalIterations)]);
    }
    await screenshot(page, '02-new-experiment');

    // A bad value is explained at the field and blocks the Run button; fixing it unblocks it.
    await page.locator('[data-test=param-batchSize] input').fill('64, 0');
    await page.locator('[data-test=param-batchSize]').getByText('batch size must be at least 1').waitFor();
    expect(await page.locator('[data-test=run]').isDisabled()).toBe(true);
    await page.locator('[data-test=param-batchSize] input').fill('64, 500');
    await page.locator('[data-test=run]:not([disabled])').waitFor({ timeout: 15_000 });
  });

  it('runs the grid and shows live progress while it trains', async () => {
    await page.locator('[data-test=run]').click();
    await page.waitForURL(/#\/experiments\/1$/);
    await page.locator('[data-test=run-progress]').getByText(/ETA/).first().waitFor({ timeout: 60_000 });
    await screenshot(page, '03-experiment-live');
    // Wait for the grid to finish (the services train it in worker threads).
    await expect
      .poll(async () => (await api<ExperimentDetail>('getExperiment', { experimentId: 1 })).status, { timeout: 180_000, interval: 1000 })
      .toBe('finished');
    const detail = await api<ExperimentDetail>('getExperiment', { experimentId: 1 });
    expect(detail.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    await page.reload();
    await page.locator('[data-test=run-table]').waitFor();
    await screenshot(page, '04-experiment-finished');
  });

  it('answers from the Compare view: which batch size, at which epoch, after how many iterations and samples', async () => {
    const detail = await api<ExperimentDetail>('getExperiment', { experimentId: 1 });
    const epochs = await api<Record<number, EpochMetric[]>>('getEpochMetrics', { runIds: detail.runs.map((r) => r.id) });
    // The truth, straight from the store: the epoch with the lowest validation loss over all runs.
    let best = { runId: 0, metric: null as EpochMetric | null };
    for (const run of detail.runs) for (const m of epochs[run.id]) if (m.valLoss !== null && (!best.metric || m.valLoss < best.metric.valLoss!)) best = { runId: run.id, metric: m };
    const winner = detail.runs.find((r) => r.id === best.runId)!;

    await page.goto(`${served.origin}/#/experiments/1/compare`);
    const answer = page.locator('[data-test=answer]');
    await answer.waitFor({ timeout: 20_000 });
    // Until the epoch rows arrive the sentence is built from the run summaries alone (no iterations yet).
    await expect.poll(async () => answer.innerText(), { timeout: 20_000 }).toMatch(/iterations and/);
    const text = (await answer.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Lowest validation loss');
    expect(text).toContain(String(winner.params.batchSize));
    expect(text).toContain(`at epoch ${best.metric!.epoch}, after ${best.metric!.step.toLocaleString('en-US')} iterations and ${best.metric!.samplesSeen.toLocaleString('en-US')} samples seen`);
    expect(best.metric!.step).toBe(best.metric!.epoch * iterationAccounting(8000, winner.params.batchSize, 5).iterationsPerEpoch);
    await screenshot(page, '05-compare-epoch');

    for (const [axis, name] of [['Iteration', '06-compare-iteration'], ['Samples seen', '07-compare-samples']] as const) {
      await page.locator('[data-test=x-axis]').first().getByText(axis, { exact: true }).click();
      await page.waitForTimeout(500);
      await screenshot(page, name);
    }
    await page.locator('[data-test=group-by]').click();
    await page.locator('.n-base-select-option', { hasText: /batch size/i }).first().click();
    await page.waitForTimeout(500);
    await expect.poll(async () => page.locator('[data-test=best-epoch] tbody tr').count()).toBe(2);
    await screenshot(page, '08-compare-grouped-by-batch-size');
  });

  it('shows a run in detail: config, backend, iteration accounting and checkpoints', async () => {
    await page.goto(`${served.origin}/#/runs/1`);
    await page.getByText(/ceil|iterations per epoch/i).first().waitFor({ timeout: 20_000 });
    await page.getByText(/wasm|cpu|tensorflow/).first().waitFor();
    await screenshot(page, '09-run-detail');
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations)).toEqual([]);
  });
});
